using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// What <c>AddTracing</c> registers for sampling: the configured sampler, set on the app's provider
/// ahead of the app's own callbacks (so a sampler the app sets in code wins), scoped to this host's
/// spans when several hosts share the process; polling stops when tracing stops.
/// </summary>
internal static class SamplingRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<ConfiguredSampler>();
        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) => builder.SetSampler(
            new HostScopedSampler(sp.GetRequiredService<ConfiguredSampler>().Sampler, sp.GetRequiredService<HostSpanFilter>())));
        services.AddSingleton<ITracingProviderAttachment, SamplingAttachment>();
    }

    private sealed class SamplingAttachment(ConfiguredSampler sampler, IOptions<TracingOptions> options) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start)
        {
            start.Describe("sampler", SamplerFactory.Describe(options.Value.Sampler));
            start.OnStop(sampler);
        }
    }
}

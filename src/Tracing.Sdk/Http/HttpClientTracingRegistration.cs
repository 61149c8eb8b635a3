using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Http;

/// <summary>
/// What <c>AddTracing</c> registers for HttpClient spans: HttpClient's own <c>System.Net.Http</c>
/// Activity recorded, and described by <see cref="HttpClientSpanProcessor"/> ahead of every processor
/// the app added, for this host's spans.
/// </summary>
internal static class HttpClientTracingRegistration
{
    public static void Add(IServiceCollection services) =>
        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) =>
        {
            var processor = HttpClientSpanProcessorFactory.Create(
                sp.GetRequiredService<IOptions<TracingOptions>>().Value,
                sp.GetService<OtelEnvironment>() ?? new OtelEnvironment());
            builder.AddSource(HttpClientSpanNames.SourceName);
            builder.AddProcessor(new HostBoundProcessor(sp.GetRequiredService<HostSpanFilter>(), [processor]));
        });
}

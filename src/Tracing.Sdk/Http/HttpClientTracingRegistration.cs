using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Http;

/// <summary>
/// What <c>AddTracing</c> registers for HttpClient spans: HttpClient's own <c>System.Net.Http</c>
/// Activity recorded, and described by <see cref="HttpClientSpanProcessor"/> ahead of every processor
/// the app added, for this host's spans.
/// <para>
/// Its <see cref="HostBoundProcessor"/> is the provider's first processor (this is the first of the
/// SDK's callbacks that adds one, and the SDK's callbacks run before the app's), so OpenTelemetry adds
/// every later processor — the other areas' (ASP.NET Core, gRPC, exporters) and the app's — into it:
/// the host filter and the sampler tags run once per span, here, and the later processors are added
/// plain.
/// </para>
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

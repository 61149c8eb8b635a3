using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// How <c>AddTracing()</c>, from the core package, finds this one: it looks this type up by name and,
/// when the app references the package, registers the <see cref="TracingInterceptor"/> (for
/// <c>AddInterceptor&lt;TracingInterceptor&gt;()</c>, with the host's propagators), records
/// Grpc.Net.Client's own Activity (source <c>Grpc.Net.Client</c>), which is then a call's gRPC span,
/// sampled as the caller's child, and describes it (also when OpenTelemetry's gRPC client
/// instrumentation made it a span).
/// </summary>
internal sealed class GrpcTracingIntegration : ITracingIntegration
{
    public void Register(IServiceCollection services)
    {
        Metrics.SpanMetricSources.GrpcNetClientDescribed = true;
        services.TryAddSingleton(static sp => new TracingInterceptor(sp.GetService<DistributedContextPropagator>()));
        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) =>
        {
            builder.AddSource(GrpcSpanNames.GrpcNetClientSource);

            // Added into the SDK's first processor, the host filter (see HttpClientTracingRegistration).
            builder.AddProcessor(new GrpcNetClientActivityProcessor(
                sp.GetRequiredService<IOptions<TracingOptions>>().Value.Grpc.SuppressHttpClientSpans,
                sp.GetService<DistributedContextPropagator>()));
        });
    }
}

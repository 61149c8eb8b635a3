using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// How <c>AddTracing()</c>, from the core package, finds this one: it looks this type up by name and,
/// when the app references the package, registers the <see cref="TracingInterceptor"/> (for
/// <c>AddInterceptor&lt;TracingInterceptor&gt;()</c>, with the host's propagators) and the description of
/// Grpc.Net.Client's own Activity for apps that record it.
/// </summary>
internal sealed class GrpcTracingIntegration : ITracingIntegration
{
    public void Register(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => new TracingInterceptor(sp.GetService<DistributedContextPropagator>()));
        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) =>
            // Added into the SDK's first processor, the host filter (see HttpClientTracingRegistration).
            builder.AddProcessor(new GrpcNetClientActivityProcessor()));
    }
}

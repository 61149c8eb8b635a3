using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Propagation;

/// <summary>Registers the configured propagator set where HttpClient and ASP.NET Core look for one.</summary>
internal static class PropagationServiceCollectionExtensions
{
    /// <summary>
    /// <list type="bullet">
    /// <item><see cref="TracingPropagators"/>: the host's set, built from the validated options at first use.</item>
    /// <item><see cref="DistributedContextPropagator"/>: ASP.NET Core hosting resolves it from DI (registered
    /// before user code runs, hence replaced here). One descriptor, so another part may decorate it. With
    /// tracing disabled it resolves to what was registered before, untouched.</item>
    /// <item>Every <c>IHttpClientFactory</c> client's primary <see cref="SocketsHttpHandler"/> injects with it.</item>
    /// <item>While the provider runs, the set is also the process-wide one (<c>new HttpClient()</c>,
    /// OpenTelemetry's default propagator), and the start-up log names it.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddTracingPropagation(this IServiceCollection services)
    {
        services.TryAddSingleton(static sp => TracingPropagators.Create(
            sp.GetRequiredService<IOptions<TracingOptions>>().Value,
            sp.GetService<TracingMetrics>(),
            sp.GetService<IIncomingRequestContext>()));

        var replaced = services.LastOrDefault(static d => d.ServiceType == typeof(DistributedContextPropagator) && !d.IsKeyedService);
        var appRegistered = replaced is not null && !IsRuntimeDefault(replaced) ? replaced : null;
        services.RemoveAll<DistributedContextPropagator>();
        services.AddSingleton<DistributedContextPropagator>(sp => sp.GetRequiredService<IOptions<TracingOptions>>().Value.Enabled
            ? sp.GetRequiredService<TracingPropagators>().DistributedPropagator
            : ServiceDescriptors.Resolve<DistributedContextPropagator>(sp, replaced) ?? DistributedContextPropagator.Current);

        services.ConfigureHttpClientDefaults(static client => client.ConfigurePrimaryHttpMessageHandler(static (handler, sp) =>
        {
            if (handler is SocketsHttpHandler sockets && sp.GetRequiredService<IOptions<TracingOptions>>().Value.Enabled)
            {
                sockets.ActivityHeadersPropagator = sp.GetRequiredService<DistributedContextPropagator>();
            }
        }));

        services.AddSingleton<ITracingProviderAttachment>(sp => new PropagationAttachment(sp, appRegistered?.ImplementationType?.FullName
            ?? appRegistered?.ImplementationInstance?.GetType().FullName ?? (appRegistered is null ? null : "a factory registration")));
        return services;
    }

    /// <summary>The runtime's own propagators (hosting registers <c>DistributedContextPropagator.Current</c> before user code runs).</summary>
    private static bool IsRuntimeDefault(ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance is DistributedContextPropagator instance
        && instance.GetType().Assembly == typeof(DistributedContextPropagator).Assembly;

    private sealed class PropagationAttachment(IServiceProvider services, string? replacedRegistration) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start)
        {
            var propagators = services.GetRequiredService<TracingPropagators>();
            var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Tracing.Sdk.Propagation") ?? NullLogger.Instance;
            if (replacedRegistration is not null)
            {
                PropagationLog.ReplacedBefore(logger, replacedRegistration, string.Join(",", propagators.Names));
            }

            var resolved = services.GetRequiredService<DistributedContextPropagator>();
            if (!PropagatorChain.Contains(resolved, propagators.DistributedPropagator))
            {
                PropagationLog.ReplacedAfter(logger, resolved.GetType().FullName ?? resolved.GetType().Name, string.Join(",", propagators.Names));
            }

            start.Describe("propagators", string.Join(",", propagators.Names));
            start.OnStop(TracingPropagators.Install(propagators));
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>Registers the configured propagator set where HttpClient and ASP.NET Core look for one.</summary>
internal static class PropagationServiceCollectionExtensions
{
    /// <summary>
    /// <list type="bullet">
    /// <item><see cref="TracingPropagators"/>: the host's set, built from the validated options at first use.</item>
    /// <item><see cref="DistributedContextPropagator"/>: ASP.NET Core hosting resolves it from DI (registered
    /// before user code runs, hence removed here). One descriptor, so another part may decorate it.</item>
    /// <item>Every <c>IHttpClientFactory</c> client's primary <see cref="SocketsHttpHandler"/> injects with it.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddTracingPropagation(this IServiceCollection services)
    {
        services.TryAddSingleton(static sp => TracingPropagators.Create(
            sp.GetRequiredService<IOptions<TracingOptions>>().Value,
            sp.GetService<TracingMetrics>()));

        services.RemoveAll<DistributedContextPropagator>();
        services.AddSingleton<DistributedContextPropagator>(static sp => sp.GetRequiredService<TracingPropagators>().DistributedPropagator);

        services.ConfigureHttpClientDefaults(static client => client.ConfigurePrimaryHttpMessageHandler(static (handler, sp) =>
        {
            if (handler is SocketsHttpHandler sockets)
            {
                sockets.ActivityHeadersPropagator = sp.GetRequiredService<DistributedContextPropagator>();
            }
        }));

        return services;
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tracing.Sdk.AspNetCore;

/// <summary>What <c>AddTracing</c> registers for ASP.NET Core server spans.</summary>
internal static class AspNetCoreTracingRegistration
{
    /// <summary>
    /// Registers the integration: the startup filter (first of all, so the span's middleware is
    /// outermost), the per-host state, and the trust-aware wrapper around whatever
    /// <see cref="DistributedContextPropagator"/> is registered at this point — so it must run after
    /// anything else in <c>AddTracing</c> that registers a propagator. Called once per collection.
    /// </summary>
    public static void AddAspNetCoreTracing(IServiceCollection services)
    {
        services.TryAddSingleton<AspNetCoreTracing>();

        // First registration = outermost middleware: the span sees host filtering, forwarded headers
        // and every startup filter of the app inside it.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, TracingStartupFilter>());

        DecoratePropagator(services);
    }

    private static void DecoratePropagator(IServiceCollection services)
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(DistributedContextPropagator) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        var previous = index >= 0 ? services[index] : null;
        var decorated = ServiceDescriptor.Singleton<DistributedContextPropagator>(sp => new TrustedContextPropagator(
            CreatePrevious(sp, previous),
            sp.GetRequiredService<AspNetCoreTracing>()));

        if (index >= 0)
        {
            services[index] = decorated;
        }
        else
        {
            // Hosting registers its propagator with TryAdd, after this in a generic host: this one stays.
            services.Add(decorated);
        }
    }

    private static DistributedContextPropagator CreatePrevious(IServiceProvider services, ServiceDescriptor? previous) => previous switch
    {
        null => DistributedContextPropagator.Current,
        { ImplementationInstance: DistributedContextPropagator instance } => instance,
        { ImplementationFactory: { } factory } => (DistributedContextPropagator)factory(services),
        { ImplementationType: { } type } => (DistributedContextPropagator)ActivatorUtilities.CreateInstance(services, type),
        _ => DistributedContextPropagator.Current,
    };
}

using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// What <c>AddTracing</c> registers for ASP.NET Core server spans: the startup filter, the per-host
/// state, the hosting source and the server-span processor on the app's provider (ahead of the app's
/// processors), and the trust-aware wrapper of the <see cref="DistributedContextPropagator"/> that
/// hosting extracts the caller's context with.
/// </summary>
internal static class AspNetCoreTracingRegistration
{
    /// <summary>
    /// Registers the integration. The propagator wrapper decorates whatever
    /// <see cref="DistributedContextPropagator"/> is registered at this point, so it must run after
    /// anything else in <c>AddTracing</c> that registers one; one the app registers later is caught at
    /// start (<see cref="TrustCheckAttachment"/>). Called once per collection.
    /// </summary>
    public static void AddAspNetCoreTracing(IServiceCollection services)
    {
        services.TryAddSingleton<AspNetCoreTracing>();
        services.TryAddSingleton<IIncomingRequestContext, HostedRequestContext>();

        // First registration = outermost middleware: the span sees host filtering, forwarded headers
        // and every startup filter of the app inside it.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, TracingStartupFilter>());

        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) =>
        {
            // A web host has its own Microsoft.AspNetCore source; a worker has none and gets nothing here.
            if (TracingHostingRegistration.HostingSourceOf(sp) is { } hosting)
            {
                builder.AddSource(hosting.Name);
                // Added into the SDK's first processor, the host filter (see HttpClientTracingRegistration).
                builder.AddProcessor(new ServerSpanProcessor(hosting, sp.GetRequiredService<AspNetCoreTracing>()));
            }
        });

        DecoratePropagator(services);
        services.AddSingleton<ITracingProviderAttachment, TrustCheckAttachment>();
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
        var decorated = ServiceDescriptor.Singleton<DistributedContextPropagator>(sp =>
        {
            var inner = ServiceDescriptors.Resolve<DistributedContextPropagator>(sp, previous) ?? DistributedContextPropagator.Current;
            return sp.GetRequiredService<IOptions<TracingOptions>>().Value.Enabled
                ? new TrustedContextPropagator(inner, sp.GetRequiredService<AspNetCoreTracing>())
                : inner;
        });

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

    /// <summary>
    /// Refuses to start a web host whose incoming-context policy would silently not apply: hosting
    /// extracts with the <see cref="DistributedContextPropagator"/> resolved from DI, and one the app
    /// registered after <c>AddTracing()</c> bypasses the trust check.
    /// </summary>
    private sealed class TrustCheckAttachment(IServiceProvider services, AspNetCoreTracing tracing) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start)
        {
            if (TracingHostingRegistration.HostingSourceOf(services) is null || !tracing.Settings.PolicyApplies)
            {
                return;
            }

            var resolved = services.GetRequiredService<DistributedContextPropagator>();
            if (!PropagatorChain.Has<TrustedContextPropagator>(resolved))
            {
                throw new InvalidOperationException(
                    $"Tracing:AspNetCore:IncomingContext={tracing.Settings.IncomingContext} cannot be enforced: the DistributedContextPropagator ASP.NET Core uses " +
                    $"({resolved.GetType().FullName}) was registered after AddTracing() and bypasses the trust check. Register it before AddTracing() (the SDK then wraps it), or remove it.");
            }
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// How an area of the SDK adds its part to the app's one <see cref="TracerProvider"/>: through
/// OpenTelemetry's own <c>ConfigureOpenTelemetryTracerProvider</c> callbacks. <see cref="ConfigureFirst"/>
/// moves the SDK's callbacks ahead of every other one, whatever order <c>AddTracing</c> and the app's
/// <c>AddOpenTelemetry().WithTracing(...)</c> were called in, so that the SDK's enrichment processors run
/// before any processor the app added (OpenTelemetry runs processors in the order they were added),
/// and a sampler the app sets in code replaces the SDK's. Among themselves, the SDK's callbacks keep
/// their registration order.
/// </summary>
internal static class TracerProviderConfiguration
{
    public static void ConfigureFirst(IServiceCollection services, Action<IServiceProvider, TracerProviderBuilder> configure)
    {
        var count = services.Count;
        services.ConfigureOpenTelemetryTracerProvider(configure);
        if (services.Count != count + 1)
        {
            throw new InvalidOperationException("ConfigureOpenTelemetryTracerProvider did not register exactly one callback.");
        }

        var callback = services[count];
        services.RemoveAt(count);

        var registry = services.FirstOrDefault(static d => d.ServiceType == typeof(FirstCallbacks))?.ImplementationInstance as FirstCallbacks;
        if (registry is null)
        {
            registry = new FirstCallbacks();
            services.Add(ServiceDescriptor.Singleton(registry));
        }

        var index = services.Count;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == callback.ServiceType && !registry.Contains(services[i]))
            {
                index = i;
                break;
            }
        }

        services.Insert(index, callback);
        registry.Add(callback);
    }

    /// <summary>The callbacks placed first in one service collection.</summary>
    private sealed class FirstCallbacks
    {
        private readonly HashSet<ServiceDescriptor> _descriptors = new(ReferenceEqualityComparer.Instance);

        public bool Contains(ServiceDescriptor descriptor) => _descriptors.Contains(descriptor);

        public void Add(ServiceDescriptor descriptor) => _descriptors.Add(descriptor);
    }
}

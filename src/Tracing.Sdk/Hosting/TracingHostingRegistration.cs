using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// What <c>AddTracing</c> registers for the provider itself, on OpenTelemetry's hosting model: the
/// app's one <see cref="TracerProvider"/> comes from <c>services.AddOpenTelemetry().WithTracing()</c>
/// (so <c>ConfigureOpenTelemetryTracerProvider</c>, <c>WithTracing(...)</c> and every
/// <c>IOpenTelemetryBuilder</c> extension add to it, before or after this), with the SDK's resource on
/// every signal of that builder, the SDK's and the configured sources, the enable gate and the
/// lifecycle. The areas (sampling, propagation, exporters, HTTP, ASP.NET Core, gRPC) register their own
/// parts; nothing here knows them.
/// </summary>
internal static class TracingHostingRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddDetector(static sp => new TracingResourceDetector(
                sp.GetRequiredService<IOptions<TracingOptions>>().Value,
                sp.GetService<IHostEnvironment>())))
            .WithTracing();
        TracerProviderGate.Decorate(services);

        services.TryAddSingleton<TracingProviderState>();
        services.TryAddSingleton(static sp => new HostSpanFilter(
            HostingSourceOf(sp),
            new SourceMatcher(TracingSources.User(sp.GetRequiredService<IOptions<TracingOptions>>().Value))));
        services.AddSingleton<ITracingProviderAttachment, HostScopeAttachment>();

        // First hosted service: its StartingAsync builds the provider before any service starts, and
        // it is stopped last, after the web server has drained.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, TracingHostedService>());

        TracerProviderConfiguration.ConfigureFirst(services, static (sp, builder) =>
            builder.AddSource([.. TracingSources.Sdk, .. TracingSources.User(sp.GetRequiredService<IOptions<TracingOptions>>().Value)]));

        // The code hook runs in registration order, like any other ConfigureOpenTelemetryTracerProvider callback.
        services.ConfigureOpenTelemetryTracerProvider(static (sp, builder) =>
            sp.GetRequiredService<IOptions<TracingOptions>>().Value.ConfigureProvider?.Invoke(builder));
    }

    /// <summary>This host's <c>Microsoft.AspNetCore</c> source (each web host has its own instance), if it is a web host.</summary>
    public static ActivitySource? HostingSourceOf(IServiceProvider services) =>
        services.GetServices<ActivitySource>().FirstOrDefault(static s => s.Name == HostSpanFilter.HostingSourceName);

    /// <summary>Counts the host as live for <see cref="HostSpanFilter"/> while its provider runs.</summary>
    private sealed class HostScopeAttachment(HostSpanFilter filter) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start) => start.OnStop(filter);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Wraps the <see cref="TracerProvider"/> registration that OpenTelemetry's <c>WithTracing()</c> made
/// (whoever called it first, the app or <c>AddTracing</c>), so that the one provider of the container
/// is built the way OpenTelemetry builds it and then:
/// <list type="bullet">
/// <item>is not built at all when tracing is disabled: a <see cref="DisabledTracerProvider"/> stands in;</item>
/// <item>gets the SDK's <see cref="ITracingProviderAttachment"/>s, after every configuration callback ran
/// (export processors come after everything the app configured);</item>
/// <item>is handed to <see cref="TracingProviderState"/>, which flushes it at stop. A build that fails
/// half-way releases what its attachments started and disposes the provider before rethrowing.</item>
/// </list>
/// </summary>
internal static class TracerProviderGate
{
    public static void Decorate(IServiceCollection services)
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TracerProvider) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException("OpenTelemetry's WithTracing() registered no TracerProvider.");
        }

        var inner = services[index];
        services[index] = ServiceDescriptor.Singleton<TracerProvider>(sp => Build(sp, inner));
    }

    private static TracerProvider Build(IServiceProvider services, ServiceDescriptor inner)
    {
        var options = services.GetRequiredService<IOptions<TracingOptions>>().Value;
        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Tracing.Sdk.Hosting.TracingRuntime") ?? NullLogger.Instance;
        if (!options.Enabled || IsSdkDisabled(services))
        {
            TracingLog.Disabled(logger);
            return new DisabledTracerProvider();
        }

        TracerProvider provider;
        using (TracerProviderBuildScope.Enter(services))
        {
            provider = Create(services, inner);
        }

        var start = new TracingStart();
        try
        {
            foreach (var attachment in services.GetServices<ITracingProviderAttachment>())
            {
                attachment.Attach(provider, start);
            }
        }
        catch
        {
            start.Release();
            provider.Dispose();
            throw;
        }

        services.GetRequiredService<TracingProviderState>().Started(provider, start, options.ServiceName!);
        TracingLog.Started(logger, options.ServiceName!, start.Description);
        TracingEventSource.Log.ProviderStarted(options.ServiceName!, start.Get("exporters") ?? string.Empty);
        return provider;
    }

    /// <summary>OpenTelemetry reads <c>OTEL_SDK_DISABLED</c> from the app's configuration too, and then builds a no-op provider.</summary>
    private static bool IsSdkDisabled(IServiceProvider services) =>
        string.Equals(services.GetService<IConfiguration>()?[OtelEnvironmentVariables.SdkDisabled]?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static TracerProvider Create(IServiceProvider services, ServiceDescriptor inner) => inner switch
    {
        { ImplementationFactory: { } factory } => (TracerProvider)factory(services),
        { ImplementationInstance: TracerProvider instance } => instance,
        { ImplementationType: { } type } => (TracerProvider)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException("The TracerProvider registration cannot be built."),
    };
}

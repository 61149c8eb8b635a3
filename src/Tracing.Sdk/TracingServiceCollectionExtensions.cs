using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracing.Sdk;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Http;
using Tracing.Sdk.Logging;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Tracing.Sdk to a service collection: <c>builder.Services.AddTracing();</c>.</summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// Adds distributed tracing configured from the <c>Tracing</c> configuration section and the
    /// standard <c>OTEL_*</c> environment variables. Calling it more than once adds nothing twice.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTracing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(TracingMarker)))
        {
            return services;
        }

        services.AddSingleton<TracingMarker>();

        // Options: OTEL_* variables, then the Tracing section, then code (Configure calls registered
        // later run later), then defaults for whatever is still unset; validated when the host starts.
        services.AddOptions<TracingOptions>().ValidateOnStart();
        services.TryAddSingleton<OtelEnvironment>();
        services.AddSingleton<IConfigureOptions<TracingOptions>, TracingEnvironmentConfigureOptions>();
        services.AddSingleton<IConfigureOptions<TracingOptions>, TracingSectionConfigureOptions>();
        services.AddSingleton<IPostConfigureOptions<TracingOptions>, TracingPostConfigureOptions>();
        services.AddSingleton<IValidateOptions<TracingOptions>, TracingOptionsValidator>();

        services.AddMetrics();
        services.TryAddSingleton<TracingMetrics>();

        // The app's one TracerProvider, OpenTelemetry's hosting model; then each area adds its part.
        TracingHostingRegistration.Add(services);
        SamplingRegistration.Add(services);
        services.AddTracingPropagation();
        HttpClientTracingRegistration.Add(services);
        ExportersRegistration.Add(services);
        SpanMetricsRegistration.Add(services);

        // The ASP.NET Core and gRPC packages, when the app references them (keep this after anything
        // that registers a DistributedContextPropagator: the ASP.NET Core part wraps it).
        TracingIntegrations.Add(services);

        // Log correlation: every ILogger scope carries the current span's ids (no call needed).
        services.AddSingleton<IConfigureOptions<LoggerFactoryOptions>, LogCorrelationConfigureOptions>();

        return services;
    }

    /// <summary>
    /// Adds distributed tracing as <see cref="AddTracing(IServiceCollection)"/> does, then applies
    /// <paramref name="configure"/>, which overrides configuration and environment variables.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets options in code.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTracing(this IServiceCollection services, Action<TracingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddTracing();
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Adds distributed tracing configured from <paramref name="section"/> instead of the app's
    /// <c>Tracing</c> section (the <c>OTEL_*</c> variables still give the defaults).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="section">A configuration section shaped like <c>Tracing</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTracing(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddTracing();
        services.AddSingleton(new TracingConfigurationSection(section));
        return services;
    }
}

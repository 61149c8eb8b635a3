using Tracing.Sdk.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Sets the code hooks of ASP.NET Core server spans: <c>builder.Services.ConfigureServerSpans(h =&gt; h.Filter = ...)</c>.</summary>
public static class ServerSpanHooksServiceCollectionExtensions
{
    /// <summary>Configures <see cref="ServerSpanHooks"/> (a filter, an enrichment callback); may be called before or after <c>AddTracing()</c>.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the hooks.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection ConfigureServerSpans(this IServiceCollection services, Action<ServerSpanHooks> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services;
    }
}

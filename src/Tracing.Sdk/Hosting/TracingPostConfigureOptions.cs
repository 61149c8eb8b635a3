using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Hosting;

/// <summary>Last step of <see cref="TracingOptions"/>: built-in defaults for whatever no layer set.</summary>
internal sealed class TracingPostConfigureOptions(IHostEnvironment? hostEnvironment = null) : IPostConfigureOptions<TracingOptions>
{
    public void PostConfigure(string? name, TracingOptions options)
    {
        options.Propagators ??= [.. TracingDefaults.Propagators];
        options.Exporters ??= hostEnvironment?.IsDevelopment() == true
            ? [.. TracingDefaults.DevelopmentExporters]
            : [.. TracingDefaults.Exporters];
        options.AspNetCore.ExcludePaths ??= [.. TracingDefaults.ExcludePaths];

        var entry = Assembly.GetEntryAssembly();
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            options.ServiceName = options.ResourceAttributes.TryGetValue("service.name", out var fromAttributes) && !string.IsNullOrWhiteSpace(fromAttributes)
                ? fromAttributes
                : entry?.GetName().Name ?? TracingDefaults.DefaultServiceName;
        }

        if (string.IsNullOrWhiteSpace(options.ServiceVersion))
        {
            options.ServiceVersion = entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? entry?.GetName().Version?.ToString();
        }
    }
}

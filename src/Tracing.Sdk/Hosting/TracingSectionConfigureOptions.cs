using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Second layer of <see cref="TracingOptions"/>: the <c>Tracing</c> configuration section (or the
/// sections given to <c>AddTracing(IConfiguration)</c>), over the <c>OTEL_*</c> layer.
/// </summary>
internal sealed class TracingSectionConfigureOptions(
    IEnumerable<TracingConfigurationSection> explicitSections,
    IConfiguration? configuration = null) : IConfigureOptions<TracingOptions>
{
    public const string DefaultSectionName = "Tracing";

    public void Configure(TracingOptions options)
    {
        var any = false;
        foreach (var explicitSection in explicitSections)
        {
            Bind(explicitSection.Section, options);
            any = true;
        }

        if (!any && configuration is not null)
        {
            Bind(configuration.GetSection(DefaultSectionName), options);
        }
    }

    private static void Bind(IConfiguration configured, TracingOptions options)
    {
        // A value the binder cannot convert is left out and reported by validation with the rest.
        var section = ReadableSection.Of(configured, options.BindingErrors);

        // The binder appends to a list that already has items; a list the section names replaces
        // the lower layer's (OTEL_* or default) list instead.
        if (section.GetSection(nameof(TracingOptions.Propagators)).GetChildren().Any())
        {
            options.Propagators = null;
        }

        if (section.GetSection(nameof(TracingOptions.Exporters)).GetChildren().Any())
        {
            options.Exporters = null;
        }

        if (section.GetSection($"{nameof(TracingOptions.AspNetCore)}:{nameof(TracingOptions.AspNetCore.ExcludePaths)}").GetChildren().Any())
        {
            options.AspNetCore.ExcludePaths = null;
        }

        if (section.GetSection("Metrics:Exporters").GetChildren().Any())
        {
            options.Metrics.Exporters = null;
        }

        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex) when (ConfigurationConversionFailure.DescribeWithValue(section, ex) is { } message)
        {
            throw new InvalidOperationException(message, ex.InnerException);
        }
    }
}

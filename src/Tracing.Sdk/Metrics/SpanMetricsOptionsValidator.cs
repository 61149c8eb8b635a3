using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Metrics;

/// <summary>Validates <c>Tracing:Metrics</c> beside the rest of the options (the failures are reported together).</summary>
internal sealed class SpanMetricsOptionsValidator(IEnumerable<SpanMetricsExporterPackage> packages) : IValidateOptions<TracingOptions>
{
    public ValidateOptionsResult Validate(string? name, TracingOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        SpanMetricsOptionsValidation.Validate(
            options.Metrics,
            "Tracing:Metrics",
            packages.Any(static p => p.Exporter == SpanMetricsExporterPackage.Prometheus),
            errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

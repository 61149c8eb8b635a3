using Microsoft.Extensions.Options;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// First layer of <see cref="TracingOptions"/>: the standard <c>OTEL_*</c> variables, which the
/// <c>Tracing</c> section and code then override.
/// </summary>
internal sealed class TracingEnvironmentConfigureOptions(OtelEnvironment environment) : IConfigureOptions<TracingOptions>
{
    public void Configure(TracingOptions options)
    {
        var errors = options.EnvironmentErrors;

        if (environment.Get(OtelEnvironmentVariables.SdkDisabled) is { } disabled)
        {
            // Spec: only a case-insensitive "true" disables; any other value leaves the SDK on.
            options.Enabled = !string.Equals(disabled, "true", StringComparison.OrdinalIgnoreCase);
        }

        if (environment.Get(OtelEnvironmentVariables.ServiceName) is { } serviceName)
        {
            options.ServiceName = serviceName;
        }

        if (environment.Get(OtelEnvironmentVariables.ResourceAttributes) is { } attributes)
        {
            ResourceAttributeParser.Parse(attributes, options.ResourceAttributes, errors);
        }

        if (environment.GetList(OtelEnvironmentVariables.Propagators) is { } propagators)
        {
            options.Propagators = propagators;
        }

        SamplerEnvironment.Apply(options.Sampler, environment, errors);
        ExporterEnvironment.Apply(options, environment, errors);
        SpanMetricsEnvironment.Apply(options.Metrics, environment);
    }
}

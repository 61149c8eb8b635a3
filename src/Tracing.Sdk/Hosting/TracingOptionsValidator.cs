using Microsoft.Extensions.Options;
using Tracing.Sdk.AspNetCore;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Checks the whole of <see cref="TracingOptions"/> once, at start-up, and reports every problem in
/// one message, each naming its key and value.
/// </summary>
internal sealed class TracingOptionsValidator : IValidateOptions<TracingOptions>
{
    private const string Key = TracingSectionConfigureOptions.DefaultSectionName;

    public ValidateOptionsResult Validate(string? name, TracingOptions options)
    {
        if (!options.Enabled)
        {
            // Tracing is off: nothing else is read, so nothing else may stop the host.
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>(options.EnvironmentErrors);
        errors.AddRange(options.BindingErrors);

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add($"{Key}:ServiceName='{options.ServiceName}' is empty.");
        }

        for (var i = 0; i < options.Sources.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Sources[i]))
            {
                errors.Add($"{Key}:Sources:{i} is empty.");
            }
        }

        SamplerOptionsValidation.Validate(options.Sampler, $"{Key}:Sampler", errors);
        PropagatorOptionsValidation.Validate(options, Key, errors);
        ExporterOptionsValidation.Validate(options, Key, errors);
        AspNetCoreOptionsValidation.Validate(options.AspNetCore, $"{Key}:AspNetCore", errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

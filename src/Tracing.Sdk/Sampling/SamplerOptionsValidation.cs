using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>Start-up checks of <see cref="SamplerOptions"/>.</summary>
internal static class SamplerOptionsValidation
{
    public static void Validate(SamplerOptions options, string key, ICollection<string> errors)
    {
        OptionChecks.OneOf(options.Type, SamplerTypes.All, $"{key}:Type", errors);
        OptionChecks.OneOf(options.IdBits, SamplerTypes.AllIdBits, $"{key}:IdBits", errors);

        var type = options.Type?.Trim().ToLowerInvariant();
        switch (type)
        {
            case SamplerTypes.Const when options.Param is not (0 or 1):
                errors.Add($"{key}:Param={OptionChecks.Format(options.Param)} is out of range for the const sampler: it must be 1 (sample all) or 0 (none).");
                break;
            case SamplerTypes.Probabilistic:
                OptionChecks.InRange(options.Param, 0, 1, $"{key}:Param", errors);
                break;
            case SamplerTypes.RateLimiting:
                OptionChecks.AtLeast(options.Param, 0, $"{key}:Param", errors);
                break;
        }

        var perOperation = options.PerOperation;
        OptionChecks.InRange(perOperation.DefaultProbability, 0, 1, $"{key}:PerOperation:DefaultProbability", errors);
        OptionChecks.AtLeast(perOperation.DefaultLowerBoundPerSecond, 0, $"{key}:PerOperation:DefaultLowerBoundPerSecond", errors);
        OptionChecks.InRange(perOperation.MaxOperations, 1, 100_000, $"{key}:PerOperation:MaxOperations", errors);

        var remote = options.Remote;
        OptionChecks.HttpUri(remote.Endpoint, $"{key}:Remote:Endpoint", errors);

        // The binder turns any name it cannot read into an error of its own, but it also reads a number
        // ("7") as the enum's value, and code can assign any number: only the three names are valid.
        if (!Enum.IsDefined(remote.Protocol))
        {
            errors.Add($"{key}:Remote:Protocol='{RemoteSamplingEndpoint.Name(remote.Protocol)}' is not one of: {string.Join(", ", RemoteSamplingEndpoint.ProtocolNames)}.");
        }

        if (!(remote.PollingIntervalSeconds > 0) || double.IsInfinity(remote.PollingIntervalSeconds))
        {
            errors.Add($"{key}:Remote:PollingIntervalSeconds={OptionChecks.Format(remote.PollingIntervalSeconds)} is out of range: it must be a finite number > 0.");
        }

        OptionChecks.InRange(remote.InitialProbability, 0, 1, $"{key}:Remote:InitialProbability", errors);

        if (options.Debug is null)
        {
            errors.Add($"{key}:Debug is missing: leave it out for the defaults (MaxPerSecond {OptionChecks.Format(DebugSamplerOptions.DefaultMaxPerSecond)}).");
        }
        else
        {
            OptionChecks.AtLeast(options.Debug.MaxPerSecond, 0, $"{key}:Debug:MaxPerSecond", errors);
        }
    }
}

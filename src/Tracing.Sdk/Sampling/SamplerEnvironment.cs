using System.Globalization;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Maps <c>OTEL_TRACES_SAMPLER</c> / <c>OTEL_TRACES_SAMPLER_ARG</c> onto <see cref="SamplerOptions"/>:
/// the OpenTelemetry names (always_on, always_off, traceidratio, jaeger_remote and their
/// <c>parentbased_</c> forms) and this SDK's policy names (<c>ratelimiting</c>, <c>parentbased_ratelimiting</c>, ...).
/// </summary>
internal static class SamplerEnvironment
{
    private const string ParentBasedPrefix = "parentbased_";

    public static void Apply(SamplerOptions options, OtelEnvironment environment, ICollection<string> errors)
    {
        if (environment.Get(OtelEnvironmentVariables.TracesSampler) is not { } rawName)
        {
            return;
        }

        var name = rawName.ToLowerInvariant();
        var arg = environment.Get(OtelEnvironmentVariables.TracesSamplerArg);
        var parentBased = name.StartsWith(ParentBasedPrefix, StringComparison.Ordinal);
        var policy = parentBased ? name[ParentBasedPrefix.Length..] : name;

        switch (policy)
        {
            case "always_on":
                Set(options, SamplerTypes.Const, 1, parentBased);
                return;
            case "always_off":
                Set(options, SamplerTypes.Const, 0, parentBased);
                return;
            case "traceidratio":
            case SamplerTypes.Probabilistic:
                // The spec's default ratio when the argument is missing is 1.0.
                if (TryParseArg(arg, 1.0, errors, out var ratio))
                {
                    Set(options, SamplerTypes.Probabilistic, ratio, parentBased);
                }

                return;
            case SamplerTypes.Const:
                if (TryParseArg(arg, 1.0, errors, out var constant))
                {
                    Set(options, SamplerTypes.Const, constant, parentBased);
                }

                return;
            case SamplerTypes.RateLimiting:
                if (TryParseArg(arg, 1.0, errors, out var rate))
                {
                    Set(options, SamplerTypes.RateLimiting, rate, parentBased);
                }

                return;
            case SamplerTypes.PerOperation:
                Set(options, SamplerTypes.PerOperation, options.Param, parentBased);
                if (arg is not null && TryParseArg(arg, options.PerOperation.DefaultProbability, errors, out var probability))
                {
                    options.PerOperation.DefaultProbability = probability;
                }

                return;
            case "jaeger_remote":
            case SamplerTypes.Remote:
                Set(options, SamplerTypes.Remote, options.Param, parentBased);
                ApplyRemoteArg(options.Remote, arg, errors);
                return;
            default:
                errors.Add($"{OtelEnvironmentVariables.TracesSampler}='{rawName}' is not a known sampler. Known: always_on, always_off, traceidratio, jaeger_remote, {string.Join(", ", SamplerTypes.All)}, each also with the parentbased_ prefix.");
                return;
        }
    }

    private static void Set(SamplerOptions options, string type, double param, bool parentBased)
    {
        options.Type = type;
        options.Param = param;
        options.ParentBased = parentBased;
    }

    private static bool TryParseArg(string? arg, double fallback, ICollection<string> errors, out double value)
    {
        if (arg is null)
        {
            value = fallback;
            return true;
        }

        if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            return true;
        }

        errors.Add($"{OtelEnvironmentVariables.TracesSamplerArg}='{arg}' is not a number.");
        return false;
    }

    /// <summary>
    /// The jaeger_remote argument: <c>endpoint=...,pollingIntervalMs=...,initialSamplingRate=...</c>
    /// (OpenTelemetry SDK environment variable specification).
    /// </summary>
    private static void ApplyRemoteArg(RemoteSamplerOptions remote, string? arg, ICollection<string> errors)
    {
        if (arg is null)
        {
            return;
        }

        foreach (var pair in arg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = separator < 0 ? pair : pair[..separator].Trim();
            var value = separator < 0 ? string.Empty : pair[(separator + 1)..].Trim();
            switch (key)
            {
                case "endpoint":
                    remote.Endpoint = value;
                    break;
                case "pollingIntervalMs" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0:
                    remote.PollingIntervalSeconds = ms / 1000.0;
                    break;
                case "initialSamplingRate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate):
                    remote.InitialProbability = rate;
                    break;
                default:
                    errors.Add($"{OtelEnvironmentVariables.TracesSamplerArg} entry '{pair}' is not one of endpoint=<url>, pollingIntervalMs=<number > 0>, initialSamplingRate=<number>.");
                    break;
            }
        }
    }
}

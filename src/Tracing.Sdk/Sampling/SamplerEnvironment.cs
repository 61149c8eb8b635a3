using System.Globalization;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Maps <c>OTEL_TRACES_SAMPLER</c> / <c>OTEL_TRACES_SAMPLER_ARG</c> onto <see cref="SamplerOptions"/>
/// (OpenTelemetry SDK environment variables, "General SDK Configuration"): the OpenTelemetry names
/// (always_on, always_off, traceidratio, jaeger_remote and their <c>parentbased_</c> forms) and this SDK's
/// policy names (<c>const</c>, <c>probabilistic</c>, <c>ratelimiting</c>, <c>peroperation</c>,
/// <c>remote</c>, each also with <c>parentbased_</c>). A bad value is an error naming the variable.
/// </summary>
internal static class SamplerEnvironment
{
    private const string ParentBasedPrefix = "parentbased_";
    private const string JaegerRemote = "jaeger_remote";

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
                if (TryParseArg(arg, 1.0, "a probability between 0 and 1", static v => v is >= 0 and <= 1, errors, out var ratio))
                {
                    Set(options, SamplerTypes.Probabilistic, ratio, parentBased);
                }

                return;
            case SamplerTypes.Const:
                if (TryParseArg(arg, 1.0, "1 (sample all) or 0 (none)", static v => v is 0 or 1, errors, out var constant))
                {
                    Set(options, SamplerTypes.Const, constant, parentBased);
                }

                return;
            case SamplerTypes.RateLimiting:
                if (TryParseArg(arg, 1.0, "traces per second, a number >= 0", static v => v >= 0, errors, out var rate))
                {
                    Set(options, SamplerTypes.RateLimiting, rate, parentBased);
                }

                return;
            case SamplerTypes.PerOperation:
                // The argument, when given, is the default probability of the per-operation policy.
                Set(options, SamplerTypes.PerOperation, options.Param, parentBased);
                if (arg is not null && TryParseArg(arg, 0, "a probability between 0 and 1", static v => v is >= 0 and <= 1, errors, out var probability))
                {
                    options.PerOperation.DefaultProbability = probability;
                }

                return;
            case JaegerRemote:
                // The specification's jaeger_remote talks to a gRPC server (sampling.proto), by default the
                // Jaeger collector's port; an endpoint with a path in the argument still selects HTTP.
                Set(options, SamplerTypes.Remote, options.Param, parentBased);
                options.Remote.Endpoint = RemoteSamplingEndpoint.DefaultGrpc;
                ApplyRemoteArg(options.Remote, arg, errors);
                return;
            case SamplerTypes.Remote:
                Set(options, SamplerTypes.Remote, options.Param, parentBased);
                ApplyRemoteArg(options.Remote, arg, errors);
                return;
            default:
                errors.Add($"{OtelEnvironmentVariables.TracesSampler}='{rawName}' is not a known sampler. Known: always_on, always_off, traceidratio, {JaegerRemote}, {string.Join(", ", SamplerTypes.All)}, each also with the {ParentBasedPrefix} prefix.");
                return;
        }
    }

    private static void Set(SamplerOptions options, string type, double param, bool parentBased)
    {
        options.Type = type;
        options.Param = param;
        options.ParentBased = parentBased;
    }

    private static bool TryParseArg(string? arg, double fallback, string expected, Func<double, bool> valid, ICollection<string> errors, out double value)
    {
        if (arg is null)
        {
            value = fallback;
            return true;
        }

        if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && valid(value))
        {
            return true;
        }

        errors.Add($"{OtelEnvironmentVariables.TracesSamplerArg}='{arg}' is not valid for {OtelEnvironmentVariables.TracesSampler}: expected {expected}.");
        return false;
    }

    /// <summary>
    /// The jaeger_remote argument: <c>endpoint=...,pollingIntervalMs=...,initialSamplingRate=...</c>
    /// (OpenTelemetry SDK environment variables, "Value of OTEL_TRACES_SAMPLER_ARG for jaeger_remote").
    /// Keys are matched case-insensitively; each may be left out. The endpoint is <c>scheme://host:port</c>
    /// of the gRPC server that serves sampling.proto (the specification's example is
    /// <c>http://localhost:14250</c>); an endpoint with a path, such as the agent's <c>:5778/sampling</c>,
    /// is Jaeger's HTTP sampling endpoint instead (<c>Remote:Protocol</c> <c>auto</c>).
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
            var prefix = $"{OtelEnvironmentVariables.TracesSamplerArg} entry '{pair}'";
            if (key.Equals("endpoint", StringComparison.OrdinalIgnoreCase))
            {
                if (OptionChecks.IsHttpUri(value))
                {
                    remote.Endpoint = value;
                }
                else
                {
                    errors.Add($"{prefix} is not an absolute http:// or https:// URL.");
                }
            }
            else if (key.Equals("pollingIntervalMs", StringComparison.OrdinalIgnoreCase))
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms > 0)
                {
                    remote.PollingIntervalSeconds = ms / 1000.0;
                }
                else
                {
                    errors.Add($"{prefix} is not a number of milliseconds > 0.");
                }
            }
            else if (key.Equals("initialSamplingRate", StringComparison.OrdinalIgnoreCase))
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1)
                {
                    remote.InitialProbability = rate;
                }
                else
                {
                    errors.Add($"{prefix} is not a probability between 0 and 1.");
                }
            }
            else
            {
                errors.Add($"{prefix} is not one of endpoint=<url>, pollingIntervalMs=<number > 0>, initialSamplingRate=<0..1>.");
            }
        }
    }
}

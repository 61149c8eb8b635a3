using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Builds the configured <see cref="Sampler"/>: the policy inside <see cref="TracingSampler"/> (debug,
/// then parent-based unless told otherwise). A remote policy starts polling when it is built and is
/// returned as the disposable that stops it.
/// </summary>
internal static class SamplerFactory
{
    public static TracingSampler Create(
        TracingOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, TracingMetrics metrics, out IDisposable? resource, DebugSamplingGate? debugGate = null)
    {
        var policy = CreatePolicy(options, timeProvider, loggerFactory, metrics, out resource);
        return new TracingSampler(policy, options.Sampler.ParentBased, debugGate ?? new DebugSamplingGate(options.Sampler.Debug ?? new(), timeProvider, metrics));
    }

    /// <summary>A short description for the start-up log line, e.g. <c>parentbased(ratelimiting 100)</c>.</summary>
    public static string Describe(SamplerOptions options)
    {
        var type = SamplerTypes.Normalize(options.Type);
        var policy = type switch
        {
            SamplerTypes.Probabilistic => $"{type} {OptionChecks.Format(options.Param)} ({SamplerTypes.Normalize(options.IdBits)} id bits)",
            SamplerTypes.PerOperation => $"{type} (default probability {OptionChecks.Format(options.PerOperation.DefaultProbability)}, lower bound {OptionChecks.Format(options.PerOperation.DefaultLowerBoundPerSecond)}/s, max {options.PerOperation.MaxOperations} operations)",
            SamplerTypes.Remote => $"{type} {RemoteSamplingEndpoint.Describe(options.Remote)} every {OptionChecks.Format(options.Remote.PollingIntervalSeconds)} s (initial probability {OptionChecks.Format(options.Remote.InitialProbability)})",
            _ => $"{type} {OptionChecks.Format(options.Param)}",
        };
        var debug = options.Debug?.MaxPerSecond is { } max ? $", debug from untrusted callers {OptionChecks.Format(max)}/s" : string.Empty;
        return (options.ParentBased ? $"parentbased({policy})" : policy) + debug;
    }

    private static Sampler CreatePolicy(
        TracingOptions tracing, TimeProvider timeProvider, ILoggerFactory? loggerFactory, TracingMetrics metrics, out IDisposable? resource)
    {
        resource = null;
        var options = tracing.Sampler;
        var bits = SamplerTypes.ParseIdBits(options.IdBits);
        switch (SamplerTypes.Normalize(options.Type))
        {
            case SamplerTypes.Const:
                return new ConstSampler(options.Param >= 1);
            case SamplerTypes.Probabilistic:
                return new ProbabilisticSampler(options.Param, bits);
            case SamplerTypes.RateLimiting:
                return new RateLimitingSampler(options.Param, timeProvider);
            case SamplerTypes.PerOperation:
                return new PerOperationSampler(
                    PerOperationStrategy.FromOptions(options.PerOperation), options.PerOperation.MaxOperations, bits, timeProvider);
            case SamplerTypes.Remote:
                var logger = loggerFactory?.CreateLogger(typeof(RemoteSampler).FullName!) ?? NullLogger.Instance;
                var remote = new RemoteSampler(
                    options.Remote, options.PerOperation.MaxOperations, bits, tracing.ServiceName!, timeProvider, logger, metrics.Meter);
                resource = remote;
                remote.Start();
                return remote;
            default:
                // Validation rejects unknown types before the pipeline is built.
                throw new ArgumentException($"Sampler type '{options.Type}' is not supported.", nameof(tracing));
        }
    }
}

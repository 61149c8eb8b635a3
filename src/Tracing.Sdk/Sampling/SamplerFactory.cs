using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Builds the configured <see cref="Sampler"/>: the policy inside <see cref="TracingSampler"/> (debug,
/// then parent-based unless told otherwise). A remote policy starts polling here and is registered in
/// <see cref="TracingPipelineContext.Disposables"/>, so it stops with the provider; a policy that keys
/// on operation names is published as <see cref="TracingPipelineContext.LateBindingSampler"/>.
/// </summary>
internal static class SamplerFactory
{
    public static Sampler Create(TracingPipelineContext context)
    {
        var options = context.Options.Sampler;
        var policy = CreatePolicy(context);
        if (policy is ILateBindingSampler lateBinding)
        {
            context.LateBindingSampler = lateBinding;
        }

        return new TracingSampler(policy, options.ParentBased);
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
        return options.ParentBased ? $"parentbased({policy})" : policy;
    }

    private static Sampler CreatePolicy(TracingPipelineContext context)
    {
        var options = context.Options.Sampler;
        var bits = SamplerTypes.ParseIdBits(options.IdBits);
        switch (SamplerTypes.Normalize(options.Type))
        {
            case SamplerTypes.Const:
                return new ConstSampler(options.Param >= 1);
            case SamplerTypes.Probabilistic:
                return new ProbabilisticSampler(options.Param, bits);
            case SamplerTypes.RateLimiting:
                return new RateLimitingSampler(options.Param, context.TimeProvider);
            case SamplerTypes.PerOperation:
                return new PerOperationSampler(
                    PerOperationStrategy.FromOptions(options.PerOperation), options.PerOperation.MaxOperations, bits, context.TimeProvider);
            case SamplerTypes.Remote:
                var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger(typeof(RemoteSampler).FullName!) ?? NullLogger.Instance;
                var remote = new RemoteSampler(
                    options.Remote, options.PerOperation.MaxOperations, bits, context.ServiceName, context.TimeProvider, logger, context.Metrics.Meter);
                context.Disposables.Add(remote);
                remote.Start();
                return remote;
            default:
                // Validation rejects unknown types before the pipeline is built.
                throw new ArgumentException($"Sampler type '{options.Type}' is not supported.", nameof(context));
        }
    }
}

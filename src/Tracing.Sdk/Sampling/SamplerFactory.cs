using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Sampling;

/// <summary>Builds the configured <see cref="Sampler"/>: the policy, wrapped parent-based unless told otherwise.</summary>
internal static class SamplerFactory
{
    public static Sampler Create(TracingPipelineContext context)
    {
        var options = context.Options.Sampler;
        var root = CreatePolicy(options);
        return options.ParentBased ? new ParentBasedSampler(root) : root;
    }

    /// <summary>A short description for the start-up log line, e.g. <c>parentbased(const 1)</c>.</summary>
    public static string Describe(SamplerOptions options)
    {
        var policy = $"{options.Type.Trim().ToLowerInvariant()} {Hosting.OptionChecks.Format(options.Param)}";
        return options.ParentBased ? $"parentbased({policy})" : policy;
    }

    private static Sampler CreatePolicy(SamplerOptions options) =>
        options.Type.Trim().ToLowerInvariant() switch
        {
            SamplerTypes.Const => options.Param >= 1 ? new AlwaysOnSampler() : new AlwaysOffSampler(),
            _ => throw new ArgumentException($"Sampler type '{options.Type}' is not supported.", nameof(options)),
        };
}

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// Tests whose assertion is a sampling decision run alone: every tracer provider in the process
/// samples every <c>Microsoft.AspNetCore</c> Activity (listeners match sources by name), so another
/// host sampling everything at the same moment would record this host's spans too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SamplingIsolation
{
    public const string Name = "Sampling decisions (not parallel)";
}

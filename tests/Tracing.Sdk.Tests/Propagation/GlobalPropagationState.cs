namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// Tests that read or change process-wide propagation state (<c>DistributedContextPropagator.Current</c>,
/// OpenTelemetry's default propagator, <c>TracingPropagation</c>'s set): xunit runs this collection
/// alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalPropagationState
{
    public const string Name = "Propagation (process-wide state)";
}

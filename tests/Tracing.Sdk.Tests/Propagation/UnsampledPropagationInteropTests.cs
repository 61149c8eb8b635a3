namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// The interop matrix for unsampled callers: run alone, since any other tracer provider alive in the
/// process could sample the framework's spans and turn "not sampled" into "sampled".
/// </summary>
[Collection(GlobalPropagationState.Name)]
public sealed class UnsampledPropagationInteropTests
{
    [Theory]
    [MemberData(nameof(PropagationInteropTests.Formats), MemberType = typeof(PropagationInteropTests))]
    public Task NodeToDotNet_ContinuesTheNodeTrace_NotSampled(string format) => PropagationInteropTests.NodeToDotNetAsync(format, sampled: false);

    [Theory]
    [MemberData(nameof(PropagationInteropTests.Formats), MemberType = typeof(PropagationInteropTests))]
    public Task DotNetToNode_TheNodeServiceContinuesTheDotNetTrace_NotSampled(string format) => PropagationInteropTests.DotNetToNodeAsync(format, sampled: false);
}

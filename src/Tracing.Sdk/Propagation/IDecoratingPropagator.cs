using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>A <see cref="DistributedContextPropagator"/> of the SDK's that wraps another one (the trust check).</summary>
internal interface IDecoratingPropagator
{
    DistributedContextPropagator Inner { get; }
}

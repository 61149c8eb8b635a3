using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>A policy that can decide a root by its operation name after the span exists (late binding).</summary>
internal interface IOperationSampler
{
    /// <summary>The policy's decision for a root span of <paramref name="traceId"/> named <paramref name="operationName"/>.</summary>
    SamplingResult SampleOperation(in ActivityTraceId traceId, string operationName);
}

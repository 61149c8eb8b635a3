using OpenTelemetry.Context.Propagation;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The context a framework already extracted for an incoming request, under the SDK's trust policy.
/// Code that extracts again from the same request through OpenTelemetry's default propagator (an
/// instrumentation library) gets this answer, so that it cannot disagree with the server span.
/// </summary>
internal interface IIncomingRequestContext
{
    /// <summary>Whether <paramref name="carrier"/> is an incoming request whose context was extracted already.</summary>
    bool TryGet(object? carrier, out PropagationContext context);
}

using OpenTelemetry.Context.Propagation;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The configured set as OpenTelemetry's default <see cref="TextMapPropagator"/>, answering extraction
/// from an incoming request with what the server already extracted (<see cref="IIncomingRequestContext"/>).
/// OpenTelemetry's ASP.NET Core instrumentation extracts again with the default propagator and, when
/// the answer differs from the hosting Activity's parent, starts a second server span with that parent
/// — which would split the request in two and let an untrusted caller's context back in.
/// </summary>
internal sealed class RequestAwareTextMapPropagator(TextMapPropagator inner, IIncomingRequestContext incoming) : TextMapPropagator
{
    public override ISet<string>? Fields => inner.Fields;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter) =>
        incoming.TryGet(carrier, out var extracted) ? extracted : inner.Extract(context, carrier, getter);

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter) =>
        inner.Inject(context, carrier, setter);
}

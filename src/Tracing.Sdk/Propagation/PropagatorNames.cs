namespace Tracing.Sdk.Propagation;

/// <summary>Values of <see cref="TracingOptions.Propagators"/> (<c>OTEL_PROPAGATORS</c> spelling).</summary>
internal static class PropagatorNames
{
    public const string TraceContext = "tracecontext";
    public const string Baggage = "baggage";
    public const string B3 = "b3";
    public const string B3Multi = "b3multi";
    public const string Jaeger = "jaeger";
    public const string None = "none";

    public static readonly string[] All = [TraceContext, Baggage, B3, B3Multi, Jaeger, None];
}

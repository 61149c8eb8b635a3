using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// B3 multiple headers (openzipkin/b3-propagation "Multiple Headers"): <c>X-B3-TraceId</c> (16 or 32
/// lower-hex, a 64-bit id left-padded to 128 bits), <c>X-B3-SpanId</c>, <c>X-B3-ParentSpanId</c>,
/// <c>X-B3-Sampled</c> (<c>1</c>/<c>0</c>, and the legacy <c>true</c>/<c>false</c>), <c>X-B3-Flags</c>
/// (<c>1</c> = debug, which implies sampled: a request to force sampling handed to the sampler on the
/// context, <see cref="DebugSampling"/>, with <c>X-B3-Sampled</c> as its own flag). Ids with neither <c>X-B3-Sampled</c> nor <c>X-B3-Flags: 1</c>
/// are the spec's "Defer" ("Absent means defer the decision to the receiver"): the context is continued
/// and marked <see cref="DeferredSampling"/> for the sampler's policy to decide. Inject writes
/// <c>X-B3-Sampled</c> for a span (a decision was made here), <c>X-B3-Flags: 1</c> alone for a debug span
/// (the spec: debug implies an accept decision), and nothing for a deferred remote context passed
/// through unchanged. Extract also reads the single <c>b3</c> header.
/// </summary>
internal sealed class B3MultiFormat : FormatPropagator
{
    public const string TraceIdHeader = "X-B3-TraceId";
    public const string SpanIdHeader = "X-B3-SpanId";
    public const string ParentSpanIdHeader = "X-B3-ParentSpanId";
    public const string SampledHeader = "X-B3-Sampled";
    public const string FlagsHeader = "X-B3-Flags";

    private static readonly HashSet<string> s_fields = [TraceIdHeader, SpanIdHeader, ParentSpanIdHeader, SampledHeader, FlagsHeader];

    private readonly bool _readSingle;

    public B3MultiFormat(PropagationDiagnostics diagnostics)
        : this(diagnostics, readSingle: true)
    {
    }

    internal B3MultiFormat(PropagationDiagnostics diagnostics, bool readSingle)
        : base(diagnostics) => _readSingle = readSingle;

    public override string Name => PropagatorNames.B3Multi;

    public override ISet<string> Fields => s_fields;

    public override ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) => Read(carrier, getter);

    internal override ActivityContext ExtractContext(TracingDistributedContextPropagator.ExtractSource source) =>
        Read(source, TracingDistributedContextPropagator.ExtractSource.Get);

    /// <inheritdoc/>
    /// <remarks>Calls <c>Read</c> directly, not through the generic virtual <see cref="ExtractContext"/> (see <see cref="FormatPropagator"/>).</remarks>
    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (!ShouldExtract(context, carrier, getter))
        {
            return context;
        }

        try
        {
            return Extracted(context, Read(carrier, getter));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failed(context, ex);
        }
    }

    private ActivityContext Read<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (_readSingle && getter(carrier, B3SingleFormat.HeaderName) is not null)
        {
            return ExtractSingle(carrier, getter);
        }

        var traceIdValue = ReadSingle(carrier, getter, TraceIdHeader);
        var spanIdValue = ReadSingle(carrier, getter, SpanIdHeader);
        var sampledValue = ReadSingle(carrier, getter, SampledHeader);
        var flagsValue = ReadSingle(carrier, getter, FlagsHeader);
        if (traceIdValue is null && spanIdValue is null)
        {
            // Sampling state alone: a decision for a new trace, no parent. Debug asks for a debug root.
            if (flagsValue == "1")
            {
                return DebugSampling.RootRequest(debugId: null);
            }

            if (sampledValue is not null && !TryParseSampled(sampledValue, out _))
            {
                Diagnostics.InvalidContext(Name);
            }

            return default;
        }

        var debug = flagsValue == "1";
        var sampled = false;
        var parentValue = ReadSingle(carrier, getter, ParentSpanIdHeader);
        if (traceIdValue is null
            || spanIdValue is null
            || !HexIds.TryParseTraceId64Or128(traceIdValue, out var traceId)
            || !HexIds.TryParseSpanId(spanIdValue, out var spanId)
            || (sampledValue is not null && !TryParseSampled(sampledValue, out sampled))
            || (parentValue is not null && !HexIds.IsLowerHexNonZero(parentValue, HexIds.SpanIdLength)))
        {
            Diagnostics.InvalidContext(Name);
            return default;
        }

        if (debug)
        {
            // The sampled flag is X-B3-Sampled's, if sent: what stands should the request be refused.
            return DebugSampling.Context(traceId, spanId, sampledValue is not null && sampled, debugId: null);
        }

        if (sampledValue is null)
        {
            // "X-B3-Flags ... Absent or any other value can be ignored": no decision was sent.
            return DeferredSampling.Context(traceId, spanId);
        }

        return new ActivityContext(traceId, spanId, sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, null, isRemote: true);
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter) => Write(context, carrier, setter);

    internal override void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        Write(context, target, TracingDistributedContextPropagator.InjectTarget.Setter);

    /// <inheritdoc/>
    /// <remarks>Calls <c>Write</c> directly, not through the generic virtual <c>Inject</c> (see <see cref="FormatPropagator"/>).</remarks>
    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!CanInject(context, carrier, setter))
        {
            return;
        }

        try
        {
            // As Write, from the ActivityContext alone, without building an InjectionContext.
            var activityContext = context.ActivityContext;
            setter(carrier, TraceIdHeader, activityContext.TraceId.ToHexString());
            setter(carrier, SpanIdHeader, activityContext.SpanId.ToHexString());
            if (SamplingHeader(activityContext, InjectionContext.DebugSpanOf(activityContext), out var value) is { } name)
            {
                setter(carrier, name, value);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(Name, ex.Message);
        }
    }

    private static void Write<T>(in InjectionContext context, T carrier, Action<T, string, string> setter)
    {
        setter(carrier, TraceIdHeader, context.Context.TraceId.ToHexString());
        setter(carrier, SpanIdHeader, context.Context.SpanId.ToHexString());
        if (SamplingHeader(context.Context, DebugSampling.AnySampled ? context.Span : null, out var value) is { } name)
        {
            setter(carrier, name, value);
        }
    }

    /// <summary>
    /// The header stating <paramref name="context"/>'s sampling, and its value: <c>X-B3-Flags: 1</c> alone for
    /// debug (<paramref name="span"/> is the context's span when it can be debug), else <c>X-B3-Sampled</c>;
    /// <see langword="null"/> for a deferred context passed through unchanged.
    /// </summary>
    private static string? SamplingHeader(in ActivityContext context, Activity? span, out string value)
    {
        value = "1";
        if (InjectionContext.IsDebugFor(context, span))
        {
            return FlagsHeader;
        }

        if (DeferredSampling.IsDeferred(context))
        {
            return null;
        }

        value = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "1" : "0";
        return SampledHeader;
    }

    /// <summary><c>X-B3-Sampled</c>: <c>1</c>/<c>0</c>, or <c>true</c>/<c>false</c> from older tracers.</summary>
    public static bool TryParseSampled(string value, out bool sampled)
    {
        sampled = value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        return sampled || value == "0" || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
    }

    private ActivityContext ExtractSingle<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var value = ReadSingle(carrier, getter, B3SingleFormat.HeaderName);
        if (value is null)
        {
            return default;
        }

        if (!B3SingleFormat.TryParse(value, out var context, out var debug))
        {
            Diagnostics.InvalidContext(Name);
            return default;
        }

        return debug ? B3SingleFormat.AsDebugRequest(context) : context;
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// Property-based checks (FsCheck) of every format: what is injected comes back, and no input —
/// random or a valid header mutated — throws or yields a context that is marked valid but is not.
/// The parsers are called directly (not through the catch-all of <c>Extract</c>), so a throw fails.
/// </summary>
public sealed class PropagationPropertyTests
{
    private static readonly FormatPropagator[] s_contextFormats =
    [
        new TraceContextFormat(PropagationDiagnostics.Unmetered),
        new B3SingleFormat(PropagationDiagnostics.Unmetered),
        new B3MultiFormat(PropagationDiagnostics.Unmetered),
        new JaegerFormat(PropagationDiagnostics.Unmetered),
    ];

    private static readonly string[] s_headerNames =
    [
        "traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId", "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled",
        "X-B3-Flags", "uber-trace-id", "jaeger-debug-id", "uberctx-key",
    ];

    [Property(MaxTest = 500)]
    public bool InjectThenExtract_RoundTripsEveryValidContext_InEveryFormat(ulong traceHigh, ulong traceLow, ulong span, bool sampled)
    {
        var context = Context(traceHigh, traceLow, span, sampled);
        foreach (var format in s_contextFormats)
        {
            var carrier = new HeaderCarrier();
            format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);
            var extracted = format.ExtractContext(carrier, HeaderCarrier.Getter);
            if (extracted.TraceId != context.TraceId || extracted.SpanId != context.SpanId || extracted.TraceFlags != context.TraceFlags)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool InjectThenExtract_RoundTripsBaggage_W3CAndJaeger(string[]? values)
    {
        var entries = (values ?? []).Where(v => v is not null && BaggageFormat.IsWellFormed(v) && !v.Contains('\0')).Take(20)
            .Select((v, i) => (Key: $"k{i}", Value: v)).ToDictionary(e => e.Key, e => e.Value);
        var baggage = Baggage.Create(entries);
        var context = Context(1, 2, 3, sampled: true);
        foreach (var format in new FormatPropagator[] { new BaggageFormat(PropagationDiagnostics.Unmetered), new JaegerFormat(PropagationDiagnostics.Unmetered) })
        {
            var carrier = new HeaderCarrier();
            format.Inject(new PropagationContext(context, baggage), carrier, HeaderCarrier.Setter);
            var accumulator = new BaggageAccumulator(default);
            format.ExtractBaggage(carrier, HeaderCarrier.Getter, ref accumulator);
            var extracted = accumulator.ToBaggage();
            if (extracted.Count != entries.Count || entries.Any(e => extracted.GetBaggage(e.Key) != e.Value))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 1000)]
    public bool RandomHeaderValues_NeverThrow_NorYieldAnInvalidContextMarkedValid(string? value)
    {
        value ??= string.Empty;
        foreach (var name in s_headerNames)
        {
            var carrier = new HeaderCarrier((name, value));
            foreach (var format in s_contextFormats)
            {
                if (!IsSound(format.ExtractContext(carrier, HeaderCarrier.Getter), value))
                {
                    return false;
                }
            }

            var accumulator = new BaggageAccumulator(default);
            new BaggageFormat(PropagationDiagnostics.Unmetered).ExtractBaggage(carrier, HeaderCarrier.Getter, ref accumulator);
            new JaegerFormat(PropagationDiagnostics.Unmetered).ExtractBaggage(carrier, HeaderCarrier.Getter, ref accumulator);
            accumulator.ToBaggage();
        }

        return true;
    }

    [Property(MaxTest = 1000)]
    public bool MutatedValidHeaders_NeverThrow_AndAnyContextTheyYieldIsInTheInput(
        ulong traceHigh, ulong traceLow, ulong span, bool sampled, int position, char replacement, byte operation)
    {
        var context = Context(traceHigh, traceLow, span, sampled);
        foreach (var format in s_contextFormats)
        {
            var carrier = new HeaderCarrier();
            format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);
            var mutated = new HeaderCarrier();
            var index = 0;
            foreach (var name in carrier.Names)
            {
                var original = carrier[name]!;
                var value = index++ == Math.Abs(position % Math.Max(1, carrier.Count)) ? Mutate(original, position, replacement, operation) : original;
                mutated.Add(name, value);
                if (operation % 7 == 6)
                {
                    mutated.Add(name, value); // a duplicated header
                }
            }

            var all = string.Join("|", mutated.Names.SelectMany(mutated.Values));
            if (!IsSound(format.ExtractContext(mutated, HeaderCarrier.Getter), all))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void HundredKilobyteValues_InEveryHeader_YieldNoContext()
    {
        var huge = new string('a', 100_000);
        foreach (var name in s_headerNames)
        {
            foreach (var format in s_contextFormats)
            {
                var context = format.ExtractContext(new HeaderCarrier((name, huge)), HeaderCarrier.Getter);
                if (name == "jaeger-debug-id" && format is JaegerFormat)
                {
                    // Still a request for a debug root, with the id cut to what is recorded.
                    Assert.True(DebugSampling.TryRead(context.TraceState, out _, out var debugId));
                    Assert.Equal(DebugSampling.MaxDebugIdLength, debugId!.Length);
                    continue;
                }

                Assert.Equal(default, context);
            }
        }
    }

    /// <summary>A context marked valid has non-zero ids that are really in the input (Jaeger: possibly URL-encoded, either case, unpadded).</summary>
    private static bool IsSound(ActivityContext context, string input)
    {
        if (context == default)
        {
            return true;
        }

        if (DebugSampling.IsRootRequest(context))
        {
            // A debug request without a parent (jaeger-debug-id alone, b3: d): never valid as a parent.
            return !InjectionContext.IsValid(context) && DebugSampling.TryRead(context.TraceState, out _, out var debugId)
                && (debugId is null || (debugId.Length <= DebugSampling.MaxDebugIdLength && input.Contains(debugId, StringComparison.Ordinal)));
        }

        if (context.TraceId == default || context.SpanId == default || context.TraceId.ToHexString() == new string('0', 32) || context.SpanId.ToHexString() == new string('0', 16))
        {
            return false;
        }

        var decoded = Uri.UnescapeDataString(input);
        return decoded.Contains(context.SpanId.ToHexString().TrimStart('0'), StringComparison.OrdinalIgnoreCase)
            && decoded.Contains(context.TraceId.ToHexString().TrimStart('0'), StringComparison.OrdinalIgnoreCase);
    }

    private static string Mutate(string value, int position, char replacement, byte operation)
    {
        if (value.Length == 0)
        {
            return replacement.ToString();
        }

        var at = Math.Abs(position % value.Length);
        return (operation % 6) switch
        {
            0 => value[..at] + replacement + value[(at + 1)..],
            1 => value[..at] + replacement + value[at..],
            2 => value.Remove(at, 1),
            3 => value.ToUpperInvariant(),
            4 => value + replacement,
            _ => value[..at],
        };
    }

    private static ActivityContext Context(ulong traceHigh, ulong traceLow, ulong span, bool sampled)
    {
        Span<byte> traceBytes = stackalloc byte[16];
        Span<byte> spanBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(traceBytes, traceHigh);
        BinaryPrimitives.WriteUInt64BigEndian(traceBytes[8..], traceHigh == 0 && traceLow == 0 ? 1 : traceLow);
        BinaryPrimitives.WriteUInt64BigEndian(spanBytes, span == 0 ? 1 : span);
        return new ActivityContext(
            ActivityTraceId.CreateFromBytes(traceBytes),
            ActivitySpanId.CreateFromBytes(spanBytes),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);
    }
}

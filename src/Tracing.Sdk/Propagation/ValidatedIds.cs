using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Makes <see cref="ActivityTraceId"/> and <see cref="ActivitySpanId"/> values from hex that
/// <see cref="HexIds"/> has already validated (lower-case, exact length, not all zero), without the
/// second validation <c>CreateFromString</c> does: the ids of every extracted context go through here,
/// and that second character-by-character check was a third of a <c>traceparent</c> extract
/// (27 of the 36 ns a trace id cost; measured beside <c>CreateFromString</c>).
/// <para>
/// Both types hold nothing but the id's lower-case hex string, so the validated string is the value.
/// That layout is .NET's, not a contract: it is checked once, at first use — exactly one instance field,
/// of type <see cref="string"/>, the size of a reference, and a round trip that gives back the same
/// string and compares equal to what <c>CreateFromString</c> makes — and if any of that does not hold
/// (another runtime, a trimmed build without the field metadata), every id is made by
/// <c>CreateFromString</c> as before. Same ids either way; the tests check both paths.
/// </para>
/// </summary>
internal static class ValidatedIds
{
    private static readonly bool s_wrap = CanWrap();

    /// <summary>Whether ids are made by wrapping the validated string (the layout check passed).</summary>
    public static bool Wraps => s_wrap;

    /// <summary>A trace id from 32 lower-case hex digits already validated, not all zero.</summary>
    public static ActivityTraceId TraceId(ReadOnlySpan<char> validatedHex) =>
        s_wrap ? WrapTraceId(validatedHex) : ActivityTraceId.CreateFromString(validatedHex);

    /// <summary>A span id from 16 lower-case hex digits already validated, not all zero.</summary>
    public static ActivitySpanId SpanId(ReadOnlySpan<char> validatedHex) =>
        s_wrap ? WrapSpanId(validatedHex) : ActivitySpanId.CreateFromString(validatedHex);

    /// <summary>The wrapping path alone (only valid where <see cref="Wraps"/>): the tests compare it with <c>CreateFromString</c>.</summary>
    internal static ActivityTraceId WrapTraceId(ReadOnlySpan<char> validatedHex) => Wrap<ActivityTraceId>(validatedHex.ToString());

    /// <inheritdoc cref="WrapTraceId"/>
    internal static ActivitySpanId WrapSpanId(ReadOnlySpan<char> validatedHex) => Wrap<ActivitySpanId>(validatedHex.ToString());

    private static TId Wrap<TId>(string hex)
        where TId : struct => Unsafe.As<string, TId>(ref hex);

    private static bool CanWrap()
    {
        try
        {
            if (!HoldsOnlyAString(typeof(ActivityTraceId)) || !HoldsOnlyAString(typeof(ActivitySpanId))
                || Unsafe.SizeOf<ActivityTraceId>() != Unsafe.SizeOf<string>()
                || Unsafe.SizeOf<ActivitySpanId>() != Unsafe.SizeOf<string>())
            {
                return false;
            }

            const string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            const string span = "00f067aa0ba902b7";
            var traceId = Wrap<ActivityTraceId>(trace);
            var spanId = Wrap<ActivitySpanId>(span);
            return ReferenceEquals(traceId.ToHexString(), trace)
                && ReferenceEquals(spanId.ToHexString(), span)
                && traceId == ActivityTraceId.CreateFromString(trace)
                && spanId == ActivitySpanId.CreateFromString(span)
                && traceId.GetHashCode() == ActivityTraceId.CreateFromString(trace).GetHashCode();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static bool HoldsOnlyAString([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] Type type)
    {
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        return fields.Length == 1 && fields[0].FieldType == typeof(string);
    }
}

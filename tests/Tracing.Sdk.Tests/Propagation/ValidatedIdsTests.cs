using System.Diagnostics;
using FsCheck.Xunit;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// Ids made from validated hex without a second check (<see cref="ValidatedIds"/>) are the ids
/// <c>CreateFromString</c> makes: equal, same hash, same hex, usable as an Activity's parent.
/// </summary>
public sealed class ValidatedIdsTests
{
    [Fact]
    public void TheLayoutCheckPasses_OnTheRuntimesTheSdkShipsFor()
    {
        // .NET 8 and 10 keep each id as its hex string alone; were that to change, ids are made by
        // CreateFromString (same values, slower) and this test says so.
        Assert.True(ValidatedIds.Wraps);
    }

    [Property(MaxTest = 300)]
    public bool WrappedIds_AreTheIdsCreateFromStringMakes(ulong traceHigh, ulong traceLow, ulong span)
    {
        var traceHex = $"{traceHigh:x16}{traceLow | 1:x16}";
        var spanHex = $"{span | 1:x16}";

        var traceId = ValidatedIds.WrapTraceId(traceHex);
        var spanId = ValidatedIds.WrapSpanId(spanHex);
        var expectedTrace = ActivityTraceId.CreateFromString(traceHex);
        var expectedSpan = ActivitySpanId.CreateFromString(spanHex);

        return traceId == expectedTrace && traceId.Equals(expectedTrace) && traceId.GetHashCode() == expectedTrace.GetHashCode()
            && traceId.ToHexString() == traceHex && spanId == expectedSpan && spanId.GetHashCode() == expectedSpan.GetHashCode()
            && spanId.ToHexString() == spanHex;
    }

    [Fact]
    public void AContextOfWrappedIds_ParentsAnActivity_AndFormatsAsSent()
    {
        const string header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Assert.True(HexIds.TryParseTraceId("4bf92f3577b34da6a3ce929d0e0e4736", out var traceId));
        Assert.True(HexIds.TryParseSpanId("00f067aa0ba902b7", out var spanId));
        var parent = new ActivityContext(traceId, spanId, ActivityTraceFlags.Recorded, null, isRemote: true);

        using var child = new Activity("child").SetParentId(traceId, spanId, ActivityTraceFlags.Recorded).Start();

        Assert.Equal(header, TraceContextFormat.Format(parent));
        Assert.Equal(traceId, child.TraceId);
        Assert.Equal(spanId, child.ParentSpanId);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", child.TraceId.ToHexString());
        Assert.NotEqual(default, child.SpanId);
    }
}

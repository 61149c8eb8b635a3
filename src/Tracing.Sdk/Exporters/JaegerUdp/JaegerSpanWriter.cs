using System.Buffers.Binary;
using System.Diagnostics;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Writes an <see cref="Activity"/> as a Jaeger <c>Span</c> struct (jaeger.thrift), following the
/// OpenTelemetry-to-Jaeger mapping (opentelemetry-specification <c>trace/sdk_exporters/jaeger.md</c>
/// and <c>common/mapping-to-non-otlp.md</c>). Allocates nothing: tags, events and links are walked
/// with the Activity's struct enumerators, twice where Thrift needs a list's size before its items.
/// </summary>
internal sealed class JaegerSpanWriter(bool compact)
{
    private readonly JaegerTagWriter _tags = new();
    private readonly JaegerConstantTags _constants = new(compact);

    /// <summary>Writes the span within <paramref name="limits"/>; returns whether any value was cut.</summary>
    public bool Write(ThriftWriter writer, Activity activity, SpanLimits limits)
    {
        var scan = ScanTags(activity);
        var status = activity.Status;
        var statusSet = status != ActivityStatusCode.Unset;
        var isError = status == ActivityStatusCode.Error || (!statusSet && scan.StatusErrorTag);

        // IDs: the 16 trace-id bytes split big-endian into high and low halves, each re-read as a
        // signed i64 (mapping, "IDs").
        Span<byte> id = stackalloc byte[16];
        activity.TraceId.CopyTo(id);
        var traceIdHigh = BinaryPrimitives.ReadInt64BigEndian(id);
        var traceIdLow = BinaryPrimitives.ReadInt64BigEndian(id[8..]);
        var spanId = ToInt64(activity.SpanId, id);
        var parentSpanId = activity.ParentSpanId == default ? 0 : ToInt64(activity.ParentSpanId, id);

        writer.WriteStructBegin();
        I64Field(writer, JaegerIdl.SpanTraceIdLow, traceIdLow);
        I64Field(writer, JaegerIdl.SpanTraceIdHigh, traceIdHigh);
        I64Field(writer, JaegerIdl.SpanSpanId, spanId);
        I64Field(writer, JaegerIdl.SpanParentSpanId, parentSpanId);
        writer.WriteFieldBegin(ThriftType.String, JaegerIdl.SpanOperationName);
        var cut = limits.CutsValues
            ? writer.WriteString(activity.DisplayName, limits.MaxValueBytes)
            : WriteString(writer, activity.DisplayName);

        WriteReferences(writer, activity, traceIdLow, traceIdHigh, parentSpanId);

        var flags = (activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? JaegerIdl.FlagSampled : 0;
        if (scan.Debug)
        {
            flags |= JaegerIdl.FlagDebug;
        }

        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.SpanFlags);
        writer.WriteI32(flags);
        I64Field(writer, JaegerIdl.SpanStartTime, Microseconds(activity.StartTimeUtc.Ticks - DateTime.UnixEpoch.Ticks));
        I64Field(writer, JaegerIdl.SpanDuration, Microseconds(activity.Duration.Ticks));

        var eventCount = limits.IncludeEvents ? 0 : CountEvents(activity);
        cut |= WriteTags(writer, activity, scan, statusSet, isError, eventCount, limits);
        if (limits.IncludeEvents)
        {
            cut |= WriteLogs(writer, activity, limits);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
        return cut;
    }

    /// <summary>Lets go of scratch space that grew for an unusually large value.</summary>
    public void Trim() => _tags.Trim();

    private static void WriteReferences(ThriftWriter writer, Activity activity, long traceIdLow, long traceIdHigh, long parentSpanId)
    {
        var links = 0;
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            links++;
        }

        var count = links + (parentSpanId != 0 ? 1 : 0);
        if (count == 0)
        {
            return;
        }

        // The parent goes first as CHILD_OF, then each link as FOLLOWS_FROM (mapping, "Parent ID", "Links").
        writer.WriteFieldBegin(ThriftType.List, JaegerIdl.SpanReferences);
        writer.WriteListBegin(ThriftType.Struct, count);
        if (parentSpanId != 0)
        {
            WriteReference(writer, JaegerIdl.RefTypeChildOf, traceIdLow, traceIdHigh, parentSpanId);
        }

        if (links > 0)
        {
            Span<byte> id = stackalloc byte[16];
            var written = 0;
            foreach (ref readonly var link in activity.EnumerateLinks())
            {
                link.Context.TraceId.CopyTo(id);
                var high = BinaryPrimitives.ReadInt64BigEndian(id);
                var low = BinaryPrimitives.ReadInt64BigEndian(id[8..]);
                WriteReference(writer, JaegerIdl.RefTypeFollowsFrom, low, high, ToInt64(link.Context.SpanId, id));
                written++;
            }

            EnsureUnchanged(written, links);
        }
    }

    private static void WriteReference(ThriftWriter writer, int type, long traceIdLow, long traceIdHigh, long spanId)
    {
        writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.RefType);
        writer.WriteI32(type);
        I64Field(writer, JaegerIdl.RefTraceIdLow, traceIdLow);
        I64Field(writer, JaegerIdl.RefTraceIdHigh, traceIdHigh);
        I64Field(writer, JaegerIdl.RefSpanId, spanId);
        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    private bool WriteTags(ThriftWriter writer, Activity activity, in TagScan scan, bool statusSet, bool isError, int droppedEvents, SpanLimits limits)
    {
        var kind = _constants.Kind(activity.Kind);
        var description = activity.Status == ActivityStatusCode.Error ? activity.StatusDescription : null;

        // A status set on the Activity replaces status attributes, and the error flag replaces any
        // "error" attribute ("The added error tag MAY override any previous value").
        var userTags = scan.Count - (statusSet ? scan.StatusTags : 0) - (isError ? scan.ErrorTags : 0);
        var count = userTags
            + (kind.IsEmpty ? 0 : 1)
            + (statusSet ? 1 : 0)
            + (string.IsNullOrEmpty(description) ? 0 : 1)
            + (isError ? 1 : 0)
            + JaegerConstantTags.ScopeTagCount(activity.Source)
            + (droppedEvents > 0 ? 1 : 0)
            + (limits.CutsValues ? 1 : 0);
        if (count == 0)
        {
            return false;
        }

        writer.WriteFieldBegin(ThriftType.List, JaegerIdl.SpanTags);
        writer.WriteListBegin(ThriftType.Struct, count);
        var max = limits.MaxValueBytes;
        var cut = false;
        var written = 0;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (tag.Value is null
                || (statusSet && IsStatusKey(tag.Key))
                || (isError && string.Equals(tag.Key, JaegerTags.Error, StringComparison.Ordinal)))
            {
                continue;
            }

            cut |= _tags.Write(writer, tag.Key, tag.Value, max);
            written++;
        }

        EnsureUnchanged(written, userTags);
        writer.WriteRaw(kind);
        if (statusSet)
        {
            writer.WriteRaw(isError ? _constants.StatusError : _constants.StatusOk);
        }

        if (!string.IsNullOrEmpty(description))
        {
            cut |= JaegerTagWriter.WriteString(writer, JaegerTags.StatusDescription, description, max);
        }

        if (isError)
        {
            writer.WriteRaw(_constants.ErrorTrue);
        }

        cut |= WriteScope(writer, activity.Source, max);
        if (droppedEvents > 0)
        {
            JaegerTagWriter.WriteLong(writer, JaegerTags.DroppedEventsCount, droppedEvents);
        }

        if (limits.CutsValues)
        {
            writer.WriteRaw(_constants.Truncated);
        }

        return cut;
    }

    /// <summary>otel.scope.name/version and their deprecated aliases (mapping to non-OTLP, InstrumentationScope).</summary>
    private bool WriteScope(ThriftWriter writer, ActivitySource source, int max)
    {
        if (max == int.MaxValue)
        {
            writer.WriteRaw(_constants.Scope(source).Bytes);
            return false;
        }

        var cut = false;
        if (!string.IsNullOrEmpty(source.Name))
        {
            cut |= JaegerTagWriter.WriteString(writer, JaegerTags.ScopeName, source.Name, max);
            cut |= JaegerTagWriter.WriteString(writer, JaegerTags.LibraryName, source.Name, max);
        }

        if (!string.IsNullOrEmpty(source.Version))
        {
            cut |= JaegerTagWriter.WriteString(writer, JaegerTags.ScopeVersion, source.Version, max);
            cut |= JaegerTagWriter.WriteString(writer, JaegerTags.LibraryVersion, source.Version, max);
        }

        return cut;
    }

    private bool WriteLogs(ThriftWriter writer, Activity activity, SpanLimits limits)
    {
        var count = CountEvents(activity);
        if (count == 0)
        {
            return false;
        }

        var max = limits.MaxValueBytes;
        var cut = false;
        var written = 0;
        writer.WriteFieldBegin(ThriftType.List, JaegerIdl.SpanLogs);
        writer.WriteListBegin(ThriftType.Struct, count);
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            // An event's own "event" attribute wins over its name (mapping, "Events").
            var fields = 0;
            var hasEventField = false;
            foreach (ref readonly var tag in activityEvent.EnumerateTagObjects())
            {
                if (tag.Value is not null)
                {
                    fields++;
                    hasEventField |= string.Equals(tag.Key, JaegerTags.LogEvent, StringComparison.Ordinal);
                }
            }

            writer.WriteStructBegin();
            I64Field(writer, JaegerIdl.LogTimestamp, Microseconds(activityEvent.Timestamp.UtcTicks - DateTime.UnixEpoch.Ticks));
            writer.WriteFieldBegin(ThriftType.List, JaegerIdl.LogFields);
            writer.WriteListBegin(ThriftType.Struct, hasEventField ? fields : fields + 1);
            if (!hasEventField)
            {
                cut |= JaegerTagWriter.WriteString(writer, JaegerTags.LogEvent, activityEvent.Name, max);
            }

            var writtenFields = 0;
            foreach (ref readonly var tag in activityEvent.EnumerateTagObjects())
            {
                if (tag.Value is not null)
                {
                    cut |= _tags.Write(writer, tag.Key, tag.Value, max);
                    writtenFields++;
                }
            }

            EnsureUnchanged(writtenFields, fields);
            writer.WriteFieldStop();
            writer.WriteStructEnd();
            written++;
        }

        EnsureUnchanged(written, count);
        return cut;
    }

    private static TagScan ScanTags(Activity activity)
    {
        var scan = default(TagScan);
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (tag.Value is null)
            {
                continue;
            }

            scan.Count++;
            var key = tag.Key;
            if (string.Equals(key, JaegerTags.Error, StringComparison.Ordinal))
            {
                scan.ErrorTags++;
            }
            else if (string.Equals(key, JaegerTags.StatusCode, StringComparison.Ordinal))
            {
                scan.StatusTags++;
                scan.StatusErrorTag |= tag.Value is string code && string.Equals(code, JaegerTags.StatusErrorValue, StringComparison.OrdinalIgnoreCase);
            }
            else if (string.Equals(key, JaegerTags.StatusDescription, StringComparison.Ordinal))
            {
                scan.StatusTags++;
            }
            else if (string.Equals(key, DebugSampling.SpanTag, StringComparison.Ordinal))
            {
                scan.Debug |= tag.Value is true;
            }
        }

        return scan;
    }

    private static int CountEvents(Activity activity)
    {
        var count = 0;
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Thrift lists are preceded by their size, counted in a first pass. Should the span change
    /// between the passes (someone still setting tags on an ended Activity), the list would not match
    /// its size and the whole datagram would be unreadable: give up on this span instead.
    /// </summary>
    private static void EnsureUnchanged(int written, int counted)
    {
        if (written != counted)
        {
            throw new InvalidOperationException($"The span changed while it was being exported ({written} items written, {counted} counted).");
        }
    }

    private static bool IsStatusKey(string key) =>
        string.Equals(key, JaegerTags.StatusCode, StringComparison.Ordinal)
        || string.Equals(key, JaegerTags.StatusDescription, StringComparison.Ordinal);

    private static bool WriteString(ThriftWriter writer, string value)
    {
        writer.WriteString(value);
        return false;
    }

    private static void I64Field(ThriftWriter writer, short id, long value)
    {
        writer.WriteFieldBegin(ThriftType.I64, id);
        writer.WriteI64(value);
    }

    private static long ToInt64(ActivitySpanId spanId, Span<byte> scratch)
    {
        spanId.CopyTo(scratch[..8]);
        return BinaryPrimitives.ReadInt64BigEndian(scratch);
    }

    // Jaeger times are microseconds (mapping, "Unit of time": truncated from .NET's 100 ns ticks).
    private static long Microseconds(long ticks) => ticks / 10;

    private struct TagScan
    {
        public int Count;
        public int ErrorTags;
        public int StatusTags;
        public bool StatusErrorTag;
        public bool Debug;
    }
}

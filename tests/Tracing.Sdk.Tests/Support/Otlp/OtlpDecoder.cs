using System.Diagnostics;
using Google.Protobuf;
using Tracing.Sdk.Tests.Support.Otlp.Collector;
using Tracing.Sdk.Tests.Support.Otlp.Common;
using ProtoSpan = Tracing.Sdk.Tests.Support.Otlp.Trace.Span;
using ProtoStatus = Tracing.Sdk.Tests.Support.Otlp.Trace.Status;

namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>Turns a decoded ExportTraceServiceRequest into flat <see cref="ReceivedSpan"/>s.</summary>
public static class OtlpDecoder
{
    public static List<ReceivedSpan> Decode(ExportTraceServiceRequest request, string protocol)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = ToDictionary(resourceSpans.Resource?.Attributes);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    spans.Add(new ReceivedSpan(
                        protocol,
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        Hex(span.ParentSpanId),
                        span.Name,
                        Kind(span.Kind),
                        span.StartTimeUnixNano,
                        span.EndTimeUnixNano,
                        ToDictionary(span.Attributes),
                        resource,
                        scopeSpans.Scope?.Name ?? string.Empty,
                        span.Status?.Code switch
                        {
                            ProtoStatus.Types.StatusCode.Error => ActivityStatusCode.Error,
                            ProtoStatus.Types.StatusCode.Ok => ActivityStatusCode.Ok,
                            _ => ActivityStatusCode.Unset,
                        },
                        span.Status?.Message ?? string.Empty,
                        span.Events.Select(e => new ReceivedEvent(e.Name, e.TimeUnixNano, ToDictionary(e.Attributes))).ToList(),
                        span.Links.Select(l => new ReceivedLink(Hex(l.TraceId), Hex(l.SpanId), ToDictionary(l.Attributes))).ToList(),
                        span.TraceState,
                        span.Flags));
                }
            }
        }

        return spans;
    }

    public static string Hex(ByteString bytes) => bytes.IsEmpty ? string.Empty : Convert.ToHexString(bytes.Span).ToLowerInvariant();

    private static ActivityKind Kind(ProtoSpan.Types.SpanKind kind) => kind switch
    {
        ProtoSpan.Types.SpanKind.Server => ActivityKind.Server,
        ProtoSpan.Types.SpanKind.Client => ActivityKind.Client,
        ProtoSpan.Types.SpanKind.Producer => ActivityKind.Producer,
        ProtoSpan.Types.SpanKind.Consumer => ActivityKind.Consumer,
        _ => ActivityKind.Internal,
    };

    private static Dictionary<string, object?> ToDictionary(IEnumerable<KeyValue>? attributes)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in attributes ?? [])
        {
            result[attribute.Key] = Value(attribute.Value);
        }

        return result;
    }

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => ToDictionary(value.KvlistValue.Values),
        _ => null,
    };
}

using System.Diagnostics;
using System.Globalization;

namespace Tracing.Sdk.Exporters;

/// <summary>What the console waterfall keeps of an ended span: a snapshot, not the live <see cref="Activity"/>.</summary>
internal sealed record WaterfallSpan(
    ActivityTraceId TraceId,
    ActivitySpanId SpanId,
    ActivitySpanId ParentSpanId,
    string Service,
    string Name,
    ActivityKind Kind,
    DateTime StartUtc,
    TimeSpan Duration,
    ActivityStatusCode Status,
    string? StatusDescription,
    string Highlights)
{
    /// <summary>Attributes worth a glance in a waterfall line, in this order.</summary>
    private static readonly string[] s_highlightKeys =
    [
        "http.response.status_code", "rpc.grpc.status_code", "error.type", "messaging.operation.type", "sampler.type",
    ];

    public DateTime EndUtc => StartUtc + Duration;

    public static WaterfallSpan From(Activity activity, string service)
    {
        var highlights = string.Empty;
        foreach (var key in s_highlightKeys)
        {
            if (activity.GetTagItem(key) is { } value)
            {
                var text = Text(value);
                highlights = highlights.Length == 0 ? $"{key}={text}" : $"{highlights} {key}={text}";
            }
        }

        return new WaterfallSpan(
            activity.TraceId,
            activity.SpanId,
            activity.ParentSpanId,
            service,
            activity.DisplayName,
            activity.Kind,
            activity.StartTimeUtc,
            activity.Duration,
            activity.Status,
            activity.StatusDescription,
            highlights);
    }

    /// <summary>A tag value as text; a value whose <c>ToString</c> throws is shown as such rather than losing the span.</summary>
    private static string Text(object value)
    {
        try
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"<{value.GetType().Name}: ToString threw {ex.GetType().Name}>";
        }
    }
}

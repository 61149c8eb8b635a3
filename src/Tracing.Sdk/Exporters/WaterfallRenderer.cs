using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// Renders one trace's spans as an indented tree with a time bar per span:
/// <code>
/// front   GET /checkout        [##########################]  12.31 ms
/// front     GET                [  #####################   ]  10.02 ms  http.response.status_code=200
/// </code>
/// </summary>
internal static class WaterfallRenderer
{
    private const int BarWidth = 32;
    private const int NameWidth = 44;

    public static string Render(IReadOnlyList<WaterfallSpan> spans, int droppedSpans, bool complete)
    {
        var start = spans.Min(static s => s.StartUtc);
        var end = spans.Max(static s => s.EndUtc);
        var total = end - start;
        var serviceWidth = Math.Min(24, spans.Max(static s => s.Service.Length));
        var services = spans.Select(static s => s.Service).Distinct(StringComparer.Ordinal).Count();

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"trace {spans[0].TraceId}  {spans.Count} span(s), {services} service(s), {Milliseconds(total)}");
        if (droppedSpans > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {droppedSpans} more span(s) not held");
        }

        if (!complete)
        {
            text.Append(" (partial: its root span had not ended)");
        }

        text.AppendLine();

        var ids = new HashSet<ActivitySpanId>(spans.Select(static s => s.SpanId));
        var children = spans
            .Where(s => s.ParentSpanId != default && ids.Contains(s.ParentSpanId))
            .GroupBy(static s => s.ParentSpanId)
            .ToDictionary(static g => g.Key, static g => g.OrderBy(static s => s.StartUtc).ToList());
        var roots = spans.Where(s => s.ParentSpanId == default || !ids.Contains(s.ParentSpanId)).OrderBy(static s => s.StartUtc);

        foreach (var root in roots)
        {
            Append(text, root, 0, children, start, total, serviceWidth);
        }

        return text.ToString();
    }

    private static void Append(
        StringBuilder text,
        WaterfallSpan span,
        int depth,
        Dictionary<ActivitySpanId, List<WaterfallSpan>> children,
        DateTime traceStart,
        TimeSpan total,
        int serviceWidth)
    {
        var name = new string(' ', Math.Min(depth, 12) * 2) + span.Name;
        if (name.Length > NameWidth)
        {
            name = string.Concat(name.AsSpan(0, NameWidth - 1), "~");
        }

        text.Append("  ")
            .Append(Fit(span.Service, serviceWidth).PadRight(serviceWidth))
            .Append("  ")
            .Append(name.PadRight(NameWidth))
            .Append(" [")
            .Append(Bar(span, traceStart, total))
            .Append("] ")
            .Append(Milliseconds(span.Duration).PadLeft(11));

        if (span.Status == ActivityStatusCode.Error)
        {
            text.Append("  ERROR");
            if (!string.IsNullOrEmpty(span.StatusDescription))
            {
                text.Append(": ").Append(Fit(span.StatusDescription, 60));
            }
        }

        if (span.Highlights.Length > 0)
        {
            text.Append("  ").Append(span.Highlights);
        }

        text.AppendLine();

        if (children.TryGetValue(span.SpanId, out var list))
        {
            foreach (var child in list)
            {
                Append(text, child, depth + 1, children, traceStart, total, serviceWidth);
            }
        }
    }

    private static string Bar(WaterfallSpan span, DateTime traceStart, TimeSpan total)
    {
        var cells = new char[BarWidth];
        Array.Fill(cells, ' ');
        var ticks = Math.Max(1, total.Ticks);
        var from = (int)Math.Clamp((span.StartUtc - traceStart).Ticks * BarWidth / ticks, 0, BarWidth - 1);
        var to = (int)Math.Clamp((span.EndUtc - traceStart).Ticks * BarWidth / ticks, from + 1, BarWidth);
        for (var i = from; i < to; i++)
        {
            cells[i] = '#';
        }

        return new string(cells);
    }

    private static string Fit(string value, int width) =>
        value.Length <= width ? value : string.Concat(value.AsSpan(0, width - 1), "~");

    private static string Milliseconds(TimeSpan duration) =>
        duration.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}

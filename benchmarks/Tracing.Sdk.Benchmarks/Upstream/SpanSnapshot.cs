using System.Diagnostics;
using System.Globalization;

namespace Tracing.Sdk.Benchmarks.Upstream;

/// <summary>A span as the exporters get it: taken when it ends, after every enrichment processor ran.</summary>
internal sealed record SpanSnapshot(
    string Name,
    ActivityKind Kind,
    string Scope,
    string SpanId,
    string ParentSpanId,
    string Status,
    IReadOnlyList<KeyValuePair<string, string>> Attributes,
    IReadOnlyList<string> Events)
{
    public static SpanSnapshot Of(Activity activity) => new(
        activity.DisplayName,
        activity.Kind,
        activity.Source.Name.Length == 0 ? $"(none; legacy {activity.OperationName})" : activity.Source.Name,
        activity.SpanId.ToHexString(),
        activity.ParentSpanId == default ? string.Empty : activity.ParentSpanId.ToHexString(),
        activity.Status == ActivityStatusCode.Unset ? "Unset" : $"{activity.Status} {activity.StatusDescription}".Trim(),
        [.. activity.TagObjects.Select(static t => new KeyValuePair<string, string>(t.Key, Text(t.Value)))],
        [.. activity.Events.Select(static e => e.Name)]);

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        string[] strings => "[" + string.Join(", ", strings) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// What an operator sees of export trouble (category <c>Tracing.Sdk.Exporters</c>): one line when an
/// exporter starts failing (at most one a minute, however often it flaps), one when it recovers or
/// stops while failing, and at most one line a minute about spans dropped for other reasons. Never a
/// line per span or per failed export. No line holds a header value, a request or response body, or a
/// message the collector sent.
/// </summary>
internal static partial class ExportLog
{
    public const string Category = "Tracing.Sdk.Exporters";

    [LoggerMessage(101, LogLevel.Warning,
        "Exporter {Exporter} is failing: {Failure}. The spans of each failed export are dropped and counted (tracing.sdk.spans.dropped); one line follows when it recovers.")]
    public static partial void ExportFailing(ILogger logger, string exporter, string failure);

    [LoggerMessage(102, LogLevel.Information,
        "Exporter {Exporter} recovered: {FailedExports} failed export(s) in {DurationSeconds:0.0} s since the last report; {LostSpans} span(s) were lost. Last failure: {Failure}.")]
    public static partial void ExportRecovered(ILogger logger, string exporter, long failedExports, double durationSeconds, long lostSpans, string failure);

    [LoggerMessage(103, LogLevel.Warning,
        "Exporter {Exporter} dropped {DroppedSpans} span(s) since the last report ({Reasons}); see tracing.sdk.spans.dropped. Reported at most once a minute.")]
    public static partial void SpansDropped(ILogger logger, string exporter, long droppedSpans, string reasons);

    [LoggerMessage(104, LogLevel.Warning,
        "Exporter {Exporter} stopped while failing: {FailedExports} failed export(s) in {DurationSeconds:0.0} s since the last report, {LostSpans} span(s) lost. Last failure: {Failure}.")]
    public static partial void StoppedWhileFailing(ILogger logger, string exporter, long failedExports, double durationSeconds, long lostSpans, string failure);
}

using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// Turns one exporter's outcomes into the few log lines of <see cref="ExportLog"/>. A failure streak is
/// one line at its first failed export and one at the first success after it (or at shutdown), however
/// long it lasts. An exporter that flaps (a UDP agent that is gone: every other send is refused) starts
/// a new streak with a line at most once per <see cref="ReportInterval"/>; the streaks in between are
/// silent and summed into the next recovery line. Spans dropped for other reasons (full queue,
/// shutdown, too large) are summed and reported at most once per <see cref="ReportInterval"/>, the
/// first time at once. Called from the export thread (and once from the thread that shuts the exporter
/// down), never from a request thread.
/// </summary>
internal sealed class ExportHealth
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    private const string UnknownFailure = "the exporter reported a failure without a cause (see its EventSource)";

    private readonly object _gate = new();
    private readonly string _exporter;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long[] _reported = new long[DropReasons.All.Length];
    private bool _failing;
    private bool _failingLineOpen;
    private long? _lastFailingLine;
    private long _unreportedFailures;
    private long _unreportedSince;
    private long _lostReported;
    private string _lastFailure = UnknownFailure;
    private long? _lastDropReport;

    public ExportHealth(string exporter, ILogger logger, TimeProvider time)
    {
        _exporter = exporter;
        _logger = logger;
        _time = time;
    }

    /// <summary>Whether the last export failed.</summary>
    public bool Failing
    {
        get
        {
            lock (_gate)
            {
                return _failing;
            }
        }
    }

    /// <summary>After each export: <paramref name="failure"/> says why it failed, when known.</summary>
    public void ExportCompleted(bool success, string? failure, ExportTotals totals)
    {
        lock (_gate)
        {
            if (success)
            {
                _failing = false;
                if (_failingLineOpen)
                {
                    ExportLog.ExportRecovered(_logger, _exporter, _unreportedFailures, UnreportedSeconds(), Lost(totals) - _lostReported, _lastFailure);
                    Summarised(totals);
                }

                return;
            }

            _lastFailure = failure ?? _lastFailure;
            if (_unreportedFailures++ == 0)
            {
                _unreportedSince = _time.GetTimestamp();
            }

            if (!_failing)
            {
                _failing = true;
                if (_lastFailingLine is not { } last || _time.GetElapsedTime(last) >= ReportInterval)
                {
                    _lastFailingLine = _time.GetTimestamp();
                    _failingLineOpen = true;
                    ExportLog.ExportFailing(_logger, _exporter, _lastFailure);
                }
            }
        }
    }

    /// <summary>After each round of the export thread: reports drops, at most once per <see cref="ReportInterval"/>.</summary>
    public void Cycle(ExportTotals totals)
    {
        lock (_gate)
        {
            if (_lastDropReport is { } last && _time.GetElapsedTime(last) < ReportInterval)
            {
                return;
            }

            ReportDrops(totals);
        }
    }

    /// <summary>At shutdown: closes the failure story (failing now, or failures not yet reported) and reports every drop not reported yet.</summary>
    public void Stopped(ExportTotals totals)
    {
        lock (_gate)
        {
            if (_failing)
            {
                ExportLog.StoppedWhileFailing(_logger, _exporter, _unreportedFailures, UnreportedSeconds(), Lost(totals) - _lostReported, _lastFailure);
                Summarised(totals);
            }
            else if (_unreportedFailures > 0)
            {
                ExportLog.ExportRecovered(_logger, _exporter, _unreportedFailures, UnreportedSeconds(), Lost(totals) - _lostReported, _lastFailure);
                Summarised(totals);
            }

            _failing = false;
            ReportDrops(totals);
        }
    }

    private static long Lost(ExportTotals totals) =>
        DropReasons.All.Where(DropReasons.IsExporterFailure).Sum(totals.DroppedFor);

    private double UnreportedSeconds() => _time.GetElapsedTime(_unreportedSince).TotalSeconds;

    private void Summarised(ExportTotals totals)
    {
        _unreportedFailures = 0;
        _failingLineOpen = false;
        _lostReported = Lost(totals);
    }

    private void ReportDrops(ExportTotals totals)
    {
        long sum = 0;
        List<string>? parts = null;
        foreach (var reason in DropReasons.All)
        {
            if (DropReasons.IsExporterFailure(reason))
            {
                continue; // the failure lines report these
            }

            var delta = totals.DroppedFor(reason) - _reported[(int)reason];
            if (delta > 0)
            {
                sum += delta;
                (parts ??= []).Add($"{DropReasons.Name(reason)}={delta}");
                _reported[(int)reason] += delta;
            }
        }

        if (sum > 0)
        {
            _lastDropReport = _time.GetTimestamp();
            ExportLog.SpansDropped(_logger, _exporter, sum, string.Join(", ", parts!));
        }
    }
}

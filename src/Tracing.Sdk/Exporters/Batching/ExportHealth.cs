using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// Turns one exporter's outcomes into the few log lines of <see cref="ExportLog"/>: a failure streak is
/// one line at its first failed export and one at the first success after it (or at shutdown), however
/// long it lasts; spans dropped for other reasons (full queue, shutdown, too large) are summed and
/// reported at most once per <see cref="DropReportInterval"/>, the first time at once. Called from the
/// export thread (and once from the thread that shuts the exporter down), never from a request thread.
/// </summary>
internal sealed class ExportHealth
{
    public static readonly TimeSpan DropReportInterval = TimeSpan.FromMinutes(1);

    private const string UnknownFailure = "the exporter reported a failure without a cause (see its EventSource)";

    private readonly object _gate = new();
    private readonly string _exporter;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long[] _reported = new long[DropReasons.All.Length];
    private bool _failing;
    private long _streakStarted;
    private long _failedExports;
    private long _lostBeforeStreak;
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
                if (_failing)
                {
                    _failing = false;
                    ExportLog.ExportRecovered(_logger, _exporter, _failedExports, StreakSeconds(), Lost(totals) - _lostBeforeStreak, _lastFailure);
                }

                _lostBeforeStreak = Lost(totals);
                return;
            }

            _lastFailure = failure ?? _lastFailure;
            if (!_failing)
            {
                _failing = true;
                _failedExports = 0;
                _streakStarted = _time.GetTimestamp();
                _lastFailure = failure ?? UnknownFailure;
                ExportLog.ExportFailing(_logger, _exporter, _lastFailure);
            }

            _failedExports++;
        }
    }

    /// <summary>After each round of the export thread: reports drops, at most once per <see cref="DropReportInterval"/>.</summary>
    public void Cycle(ExportTotals totals)
    {
        lock (_gate)
        {
            if (_lastDropReport is { } last && _time.GetElapsedTime(last) < DropReportInterval)
            {
                return;
            }

            ReportDrops(totals);
        }
    }

    /// <summary>At shutdown: closes an open failure streak and reports every drop not reported yet.</summary>
    public void Stopped(ExportTotals totals)
    {
        lock (_gate)
        {
            if (_failing)
            {
                _failing = false;
                ExportLog.StoppedWhileFailing(_logger, _exporter, _failedExports, StreakSeconds(), Lost(totals) - _lostBeforeStreak, _lastFailure);
            }

            ReportDrops(totals);
        }
    }

    private static long Lost(ExportTotals totals) =>
        DropReasons.All.Where(DropReasons.IsExporterFailure).Sum(totals.DroppedFor);

    private double StreakSeconds() => _time.GetElapsedTime(_streakStarted).TotalSeconds;

    private void ReportDrops(ExportTotals totals)
    {
        long sum = 0;
        List<string>? parts = null;
        foreach (var reason in DropReasons.All)
        {
            if (DropReasons.IsExporterFailure(reason))
            {
                continue; // the failure streak's lines report these
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

using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Asks the sampling endpoint for this service's strategy (over HTTP/JSON or gRPC, by its
/// <see cref="IRemoteStrategyClient"/>) at start and then every polling interval on the injected
/// <see cref="TimeProvider"/>'s timer, and hands each answer to the sampler. One poll at a time (a tick
/// during a slow poll is skipped), each bounded in real time; a failure never throws and never stops the
/// polling; the first failure of a streak is logged, the rest only counted, and the recovery is logged.
/// The poll itself is not traced (OpenTelemetry's <see cref="SuppressInstrumentationScope"/>) and sends
/// no trace headers.
/// </summary>
internal sealed class RemoteStrategyPoller : IDisposable
{
    /// <summary>A strategy for thousands of operations is tens of kilobytes; anything past this is refused unread.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>How long one poll (connect, headers, body and trailers) may take before it counts as failed.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    private readonly IRemoteStrategyClient _client;
    private readonly string _endpoint;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly RemoteSampler _sampler;
    private readonly ILogger _logger;
    private readonly Counter<long>? _polls;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private int _busy;
    private int _completed;
    private int _failures;
    private int _disposed;

    public RemoteStrategyPoller(
        RemoteSampler sampler,
        IRemoteStrategyClient client,
        string endpoint,
        TimeSpan interval,
        TimeProvider timeProvider,
        ILogger logger,
        Meter? meter,
        TimeSpan requestTimeout)
    {
        _sampler = sampler;
        _client = client;
        _endpoint = endpoint;
        _interval = interval;
        _requestTimeout = requestTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
        _polls = meter?.CreateCounter<long>(
            "tracing.sdk.sampling.remote.polls", "{poll}", "Polls of the remote sampling endpoint, by outcome (success | failure).");
    }

    /// <summary>Raised after every poll with whether it succeeded (a strategy, changed or not, was accepted).</summary>
    public event Action<bool>? Polled;

    /// <summary>What each poll requests.</summary>
    public Uri Uri => _client.Uri;

    /// <summary>Polls finished so far (successful or not); the next tick may start another.</summary>
    public int PollsCompleted => Volatile.Read(ref _completed);

    /// <summary>Polls now, then every interval.</summary>
    public void Start()
    {
        // The timer must not capture the ambient context of whoever started the host.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = _timeProvider.CreateTimer(static state => ((RemoteStrategyPoller)state!).Tick(), this, _interval, _interval);
            _ = Task.Run(Tick);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        _stopping.Cancel();
        _client.Dispose();
        _stopping.Dispose();
    }

    private void Tick()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return;
        }

        _ = PollAsync();
    }

    private async Task PollAsync()
    {
        bool? outcome = null;
        try
        {
            using var scope = SuppressInstrumentationScope.Begin();

            // Real time, not the injected clock: this bounds a stalled peer (a body that trickles
            // forever), which would otherwise hold the one poll slot and stop polling for good.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_requestTimeout);
            var failure = await FetchAndApplyAsync(timeout.Token).ConfigureAwait(false);
            outcome = failure is null;
            if (failure is null)
            {
                Succeeded();
            }
            else
            {
                Failed(failure);
            }
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _disposed) != 0)
        {
            // Stopping: the poll is abandoned, which is no failure.
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = false;
            Failed(ex is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"no complete answer within {_requestTimeout.TotalSeconds} s")
                : ex.Message);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
            Interlocked.Increment(ref _completed);
        }

        if (outcome is { } succeeded)
        {
            Polled?.Invoke(succeeded);
        }
    }

    /// <summary>One poll; returns why it failed, or null when the sampler accepted the answer.</summary>
    private async Task<string?> FetchAndApplyAsync(CancellationToken cancellationToken)
    {
        var fetch = await _client.FetchAsync(cancellationToken).ConfigureAwait(false);
        if (fetch.Failure is { } failure)
        {
            return failure;
        }

        return _sampler.TryApply(fetch.Answer, _client.Protocol, out var error) ? null : error;
    }

    private void Succeeded()
    {
        _polls?.Add(1, new KeyValuePair<string, object?>("outcome", "success"));
        var failures = Interlocked.Exchange(ref _failures, 0);
        if (failures > 0)
        {
            SamplingLog.PollRecovered(_logger, _endpoint, failures);
        }
    }

    private void Failed(string reason)
    {
        _polls?.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
        if (Interlocked.Increment(ref _failures) == 1)
        {
            SamplingLog.PollFailed(_logger, _endpoint, reason, _sampler.DescribeStrategy(), _interval.TotalSeconds);
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// The live tracing state of one service container: the provider that was built and what its
/// attachments left to release. <see cref="Stop"/> flushes, shuts down and releases it all once, within
/// a time budget; disposing the container stops it too. Never throws into the host.
/// </summary>
internal sealed class TracingProviderState(ILogger<TracingProviderState>? logger = null) : IDisposable
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly object _gate = new();
    private TracerProvider? _provider;
    private TracingStart? _start;
    private string _serviceName = string.Empty;
    private bool _stopped;

    /// <summary>The provider while tracing runs: built and not yet stopped.</summary>
    public TracerProvider? Provider
    {
        get
        {
            lock (_gate)
            {
                return _provider;
            }
        }
    }

    /// <summary>Takes over a freshly built provider; one that arrives after stop is stopped at once.</summary>
    public void Started(TracerProvider provider, TracingStart start, string serviceName)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _provider = provider;
                _start = start;
                _serviceName = serviceName;
                return;
            }
        }

        start.Release();
        provider.Dispose();
    }

    /// <summary>Flushes every ended span to the exporters and shuts them down within <paramref name="timeout"/>, then releases the rest.</summary>
    public bool Stop(TimeSpan timeout)
    {
        TracerProvider? provider;
        TracingStart? start;
        lock (_gate)
        {
            if (_stopped)
            {
                return true;
            }

            _stopped = true;
            provider = _provider;
            start = _start;
            _provider = null;
            _start = null;
        }

        if (provider is null)
        {
            return true;
        }

        var budget = Stopwatch.StartNew();
        var total = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        var flushed = false;
        try
        {
            flushed = provider.ForceFlush(total);
            var left = (int)Math.Max(1, total - budget.ElapsedMilliseconds);
            flushed &= provider.Shutdown(left);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TracingProviderState), ex.Message);
        }
        finally
        {
            // The container disposes the provider again later; OpenTelemetry's Dispose is idempotent.
            provider.Dispose();
            start?.Release();
        }

        if (flushed)
        {
            TracingLog.Stopped(_logger);
        }
        else
        {
            TracingLog.FlushTimedOut(_logger, total);
        }

        TracingEventSource.Log.ProviderStopped(_serviceName, flushed);
        return flushed;
    }

    public void Dispose() => Stop(TimeSpan.FromSeconds(5));
}

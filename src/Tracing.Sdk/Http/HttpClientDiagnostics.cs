using System.Diagnostics;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Http;

/// <summary>
/// Hears HttpClient's <c>HttpHandlerDiagnosticListener</c> events so that the client span can be
/// described from the request and response themselves. The span's own tags are no help on .NET 8
/// (it sets none) and redact the whole query on .NET 9+ (<c>?*</c>); the events carry the objects on
/// both, which keeps the result the same on every runtime.
/// <para>
/// One process-wide subscription, held while at least one tracing host runs. Only the stop and
/// exception events are enabled: answering "no" for <c>System.Net.Http.HttpRequestOut</c> itself keeps
/// HttpClient from creating an Activity of its own when the sampler (or
/// <c>SuppressInstrumentationScope</c>, as the OTLP exporter uses) said no, so no span and no
/// <c>traceparent</c> appear where none were asked for.
/// </para>
/// </summary>
internal sealed class HttpClientDiagnostics : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly object s_gate = new();
    private static HttpClientDiagnostics? s_active;
    private static int s_leases;

    private readonly List<IDisposable> _subscriptions = [];
    private IDisposable? _allListeners;
    private bool _disposed;

    private HttpClientDiagnostics()
    {
    }

    /// <summary>Starts listening if nobody was; the returned lease stops it when the last one is disposed.</summary>
    public static IDisposable Acquire()
    {
        lock (s_gate)
        {
            if (s_leases++ == 0)
            {
                var active = new HttpClientDiagnostics();
                s_active = active;
                active._allListeners = DiagnosticListener.AllListeners.Subscribe(active);
            }
        }

        return new Lease();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (!string.Equals(value.Name, HttpClientSpanNames.DiagnosticListenerName, StringComparison.Ordinal))
        {
            return;
        }

        // Only this instance's lock here: the runtime calls this under its own listener lock, and
        // Acquire holds s_gate while it takes that lock, so taking s_gate here could deadlock.
        var subscription = value.Subscribe(this, static (name, _, _) => IsEnabled(name));
        lock (_subscriptions)
        {
            if (_disposed)
            {
                subscription.Dispose();
                return;
            }

            _subscriptions.Add(subscription);
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        try
        {
            // HttpClient writes both events with its span as Activity.Current (DiagnosticsHandler).
            var activity = Activity.Current;
            if (activity is null || !activity.IsAllDataRequested
                || !string.Equals(activity.Source.Name, HttpClientSpanNames.SourceName, StringComparison.Ordinal))
            {
                return;
            }

            var call = activity.GetCustomProperty(HttpClientCall.PropertyKey) as HttpClientCall;
            if (call is null)
            {
                call = new HttpClientCall();
                activity.SetCustomProperty(HttpClientCall.PropertyKey, call);
            }

            if (string.Equals(value.Key, HttpClientSpanNames.StopEvent, StringComparison.Ordinal))
            {
                call.Request = DiagnosticPayload.Read(value.Value, "Request") as HttpRequestMessage;
                call.Response = DiagnosticPayload.Read(value.Value, "Response") as HttpResponseMessage;
                call.Cancelled = DiagnosticPayload.Read(value.Value, "RequestTaskStatus") is TaskStatus.Canceled;
            }
            else if (string.Equals(value.Key, HttpClientSpanNames.ExceptionEvent, StringComparison.Ordinal))
            {
                call.Exception = DiagnosticPayload.Read(value.Value, "Exception") as Exception;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(HttpClientDiagnostics), ex.Message);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    private static bool IsEnabled(string name) =>
        string.Equals(name, HttpClientSpanNames.StopEvent, StringComparison.Ordinal)
        || string.Equals(name, HttpClientSpanNames.ExceptionEvent, StringComparison.Ordinal);

    private void Stop()
    {
        _allListeners?.Dispose();
        IDisposable[] subscriptions;
        lock (_subscriptions)
        {
            _disposed = true;
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }

    private sealed class Lease : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            lock (s_gate)
            {
                if (--s_leases == 0)
                {
                    s_active?.Stop();
                    s_active = null;
                }
            }
        }
    }
}

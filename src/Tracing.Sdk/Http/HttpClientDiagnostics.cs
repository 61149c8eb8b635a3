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
/// <para>
/// The payloads' properties are read through delegates bound once (<see cref="HttpStopPayload"/>), and
/// what they carry is handed to the processor in this thread's <see cref="HttpClientCall"/>.
/// </para>
/// </summary>
internal sealed class HttpClientDiagnostics : IObserver<KeyValuePair<string, object?>>
{
    private static readonly object s_gate = new();
    private static NamedDiagnosticListenerSubscription? s_subscription;
    private static int s_leases;

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
                s_subscription = new NamedDiagnosticListenerSubscription(HttpClientSpanNames.DiagnosticListenerName, new HttpClientDiagnostics(), static (name, _, _) => IsEnabled(name));
            }
        }

        return new Lease();
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

            if (value.Value is not { } payload)
            {
                return;
            }

            if (string.Equals(value.Key, HttpClientSpanNames.StopEvent, StringComparison.Ordinal))
            {
                var readers = HttpStopPayload.For(payload.GetType());
                var call = HttpClientCall.For(activity);
                call.Request = readers.Request.Read(payload);
                call.Response = readers.Response.Read(payload);
                call.Cancelled = readers.Status.Read(payload) == TaskStatus.Canceled;
            }
            else if (string.Equals(value.Key, HttpClientSpanNames.ExceptionEvent, StringComparison.Ordinal))
            {
                HttpClientCall.For(activity).Exception = HttpStopPayload.ExceptionOf(payload);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(HttpClientDiagnostics), ex.Message);
        }
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
                    s_subscription?.Dispose();
                    s_subscription = null;
                }
            }
        }
    }
}

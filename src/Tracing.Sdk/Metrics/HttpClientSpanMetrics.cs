using System.Diagnostics;
using Tracing.Sdk.Conventions;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Http;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// Counts HttpClient's client spans, sampled or not, at HttpClient's <c>System.Net.Http.HttpRequestOut.Stop</c>
/// event: the one moment where the outcome (the response, or none) is known for every call, whether or not
/// its span is recorded, and its span is still <see cref="Activity.Current"/> with its end time set
/// (DiagnosticSource's StopActivity sets it before writing the event). The span is described the way
/// <see cref="HttpClientSpanProcessor"/> describes a recorded one: named by the method, an error for no
/// response or a 4xx/5xx status (semantic conventions, HTTP client span status).
/// <para>
/// The event's payload is a runtime type read through its public properties, as HttpClient documents it
/// (HttpDiagnosticsGuide: <c>Response</c>, <c>Request</c>, <c>RequestTaskStatus</c>); only reference-typed
/// properties are read, so nothing is boxed.
/// </para>
/// </summary>
internal sealed class HttpClientSpanMetrics : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{

    private readonly SpanMetricsRecorder _recorder;
    private readonly HttpMethodNames _methods;
    private readonly HostSpanFilter _filter;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _allListeners;
    private bool _disposed;

    public HttpClientSpanMetrics(SpanMetricsRecorder recorder, HttpMethodNames methods, HostSpanFilter filter)
    {
        _recorder = recorder;
        _methods = methods;
        _filter = filter;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public void Dispose()
    {
        _allListeners.Dispose();
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

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (!string.Equals(value.Name, HttpClientSpanNames.DiagnosticListenerName, StringComparison.Ordinal))
        {
            return;
        }

        // Only the stop event: answering "no" for HttpRequestOut itself leaves the Activity to the ActivitySource's listeners.
        var subscription = value.Subscribe(this, static (name, _, _) => string.Equals(name, HttpClientSpanNames.StopEvent, StringComparison.Ordinal));
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
        if (!string.Equals(value.Key, HttpClientSpanNames.StopEvent, StringComparison.Ordinal))
        {
            return;
        }

        var activity = Activity.Current;
        if (activity is null
            || value.Value is not { } payload
            || !_recorder.Settings.Counts(ActivityKind.Client)
            || !string.Equals(activity.Source.Name, HttpClientSpanNames.SourceName, StringComparison.Ordinal)
            || (HostSpanFilter.LiveHosts > 1 && !_filter.Owns(activity)))
        {
            return;
        }

        try
        {
            // The payload's readers are the ones the HttpClient span uses: bound once per payload type.
            var readers = HttpStopPayload.For(payload.GetType());
            var request = readers.Request.Read(payload);
            var response = readers.Response.Read(payload);
            var status = response is null ? SpanOutcome.NoCode : (int)response.StatusCode;
            var error = response is null || status is >= 400 and <= 599;
            var name = request is null ? SemanticConventions.UnknownMethodSpanName : _methods.Canonical(request.Method.Method) ?? SemanticConventions.UnknownMethodSpanName;
            var duration = activity.Duration > TimeSpan.Zero ? activity.Duration : DateTime.UtcNow - activity.StartTimeUtc;
            _recorder.Record(activity, new SpanOutcome(name, ActivityKind.Client, error ? ActivityStatusCode.Error : ActivityStatusCode.Unset, status, SpanOutcome.NoCode, duration));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(HttpClientSpanMetrics), ex.Message);
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
}

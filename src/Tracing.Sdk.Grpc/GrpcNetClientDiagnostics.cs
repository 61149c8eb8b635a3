using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Http;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Hears Grpc.Net.Client's own <c>Grpc.Net.Client</c> diagnostic events, which it writes in the call's
/// flow right after starting its Activity and right before stopping it, so that its Activity — recorded
/// by the SDK, and the call's gRPC span — is one hop in the trace whatever the channel's wiring:
/// <list type="bullet">
/// <item>Start: while HttpClient spans beneath gRPC spans are suppressed (<c>Tracing:Grpc:SuppressHttpClientSpans</c>,
/// the default, in any running host), the gRPC span's context is injected into the request headers with
/// the propagators of the host that records it (<see cref="DistributedContextPropagator.Current"/>, which
/// <c>AddTracing</c> sets, for a call nobody records; HttpClient never overwrites a header that is set) and OpenTelemetry's suppression is entered
/// for the rest of the call's flow (<see cref="SuppressInstrumentationScope.Enter"/>, as the
/// instrumentation's <c>SuppressDownstreamInstrumentation</c> does), so HttpClient's span is not created.
/// This comes after every provider has seen the Activity start, so the first provider to see it stop
/// leaves the suppression and every provider exports it. Grpc.Net.Client runs each call in an async
/// method of its own, so the suppression never reaches the caller.</item>
/// <item>Stop: a call that ended with a status other than OK and a <c>grpc-message</c> from the server
/// gets that message as its status description, and the Activity is named and given its status (also an
/// unsampled one, while span metrics count somewhere in the process) before it stops.</item>
/// </list>
/// One process-wide subscription, held while at least one tracing host with the gRPC package runs.
/// </summary>
internal sealed class GrpcNetClientDiagnostics : IObserver<KeyValuePair<string, object?>>
{
    private const string ListenerName = "Grpc.Net.Client";
    private const string StartEvent = GrpcSpanNames.GrpcNetClientActivity + ".Start";
    private const string StopEvent = GrpcSpanNames.GrpcNetClientActivity + ".Stop";

    private static readonly object s_gate = new();
    private static int s_leases;
    private static int s_suppressing;
    private static Payload? s_start;
    private static Payload? s_stop;

    private static NamedDiagnosticListenerSubscription? s_subscription;

    private GrpcNetClientDiagnostics()
    {
    }

    /// <summary>Whether some running host suppresses HttpClient's span beneath gRPC spans.</summary>
    public static bool Suppressing => Volatile.Read(ref s_suppressing) > 0;

    /// <summary>Starts listening if nobody was; the returned lease stops it when the last one is disposed.</summary>
    public static IDisposable Acquire(bool suppressHttpClientSpans)
    {
        lock (s_gate)
        {
            if (s_leases++ == 0)
            {
                s_subscription = new NamedDiagnosticListenerSubscription(ListenerName, new GrpcNetClientDiagnostics(), static (name, _, _) => IsEnabled(name));
            }

            if (suppressHttpClientSpans)
            {
                s_suppressing++;
            }
        }

        return new Lease(suppressHttpClientSpans);
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        try
        {
            // Grpc.Net.Client writes both events with its Activity as Activity.Current; one made through its
            // source for some listener (a provider, or span metrics, which count calls nobody samples).
            var activity = Activity.Current;
            if (!GrpcClientSpans.IsGrpcNetClientActivity(activity) || activity!.Source.Name.Length == 0 || value.Value is not { } payload)
            {
                return;
            }

            if (string.Equals(value.Key, StartEvent, StringComparison.Ordinal))
            {
                // An unsampled call too while span metrics count: they then see it as one client span, as the
                // trace of a sampled one shows it (an unrecorded Activity leaves no suppression behind the call:
                // it ends with the call's own async flow).
                if (activity.IsAllDataRequested || SpanMetricsListener.AnyLive)
                {
                    OnStart(activity, payload);
                }
            }
            else if (string.Equals(value.Key, StopEvent, StringComparison.Ordinal))
            {
                OnStop(activity, payload);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(GrpcNetClientDiagnostics), ex.Message);
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    /// <summary>
    /// Grpc.Net.Client asks for the Activity's own name once per call, before it creates the Activity;
    /// answering yes makes it write both events for the call. A call made under OpenTelemetry's
    /// suppression (the <see cref="TracingInterceptor"/>'s, say) has no recorded Activity, so no events are
    /// asked for (each is a payload object).
    /// </summary>
    private static bool IsEnabled(string name) =>
        string.Equals(name, GrpcSpanNames.GrpcNetClientActivity, StringComparison.Ordinal)
            ? !OpenTelemetry.Sdk.SuppressInstrumentation
            : string.Equals(name, StartEvent, StringComparison.Ordinal) || string.Equals(name, StopEvent, StringComparison.Ordinal);

    private static void OnStart(Activity activity, object payload)
    {
        var hostPropagator = GrpcNetClientActivityProcessor.TakeStartingPropagator(activity);
        if (!Suppressing || OpenTelemetry.Sdk.SuppressInstrumentation
            || Payload.For(ref s_start, payload.GetType()).Request.Read(payload) is not { } request)
        {
            return;
        }

        GrpcClientTracingHandler.Inject(hostPropagator ?? DistributedContextPropagator.Current, activity, request);

        // Left by OpenTelemetry as the Activity stops (DecrementIfTriggered), in this same flow.
        SuppressInstrumentationScope.Enter();
    }

    private static void OnStop(Activity activity, object payload)
    {
        var recorded = activity.IsAllDataRequested;
        if (!recorded && !SpanMetricsListener.AnyLive)
        {
            return;
        }

        // Grpc.Net.Client tags the status just before this event.
        if (recorded
            && activity.GetTagItem(Conventions.GrpcLibraryTags.StatusCode) is string code
            && !string.Equals(code, "0", StringComparison.Ordinal)
            && Payload.For(ref s_stop, payload.GetType()).Response.Read(payload) is { } response)
        {
            // In the trailers, or in the headers of a Trailers-Only response.
            if ((GrpcClientCall.TryReadStatus(response.TrailingHeaders, out _, out var message)
                    || GrpcClientCall.TryReadStatus(response.Headers, out _, out message))
                && !string.IsNullOrEmpty(message))
            {
                activity.SetStatus(ActivityStatusCode.Error, message);
            }
        }

        // Named and given its status before it stops, so that span metrics (which count it as it stops, in
        // whatever order the listeners come) see the call as the trace does; the library's own tags stay
        // for the processor (and OpenTelemetry's instrumentation) to read.
        if (activity.GetTagItem(Conventions.GrpcLibraryTags.Method) is string path)
        {
            GrpcNetClientActivityProcessor.Describe(activity, GrpcMethod.FromPath(path), removeForeign: false);
        }
    }

    /// <summary>The readers of a payload type Grpc.Net.Client writes (one per event per process, so the last one seen is kept).</summary>
    private sealed class Payload
    {
        private Payload(Type type)
        {
            Type = type;
            Request = PayloadProperty<HttpRequestMessage>.Bind(type, "Request");
            Response = PayloadProperty<HttpResponseMessage>.Bind(type, "Response");
        }

        public Type Type { get; }

        public PayloadProperty<HttpRequestMessage> Request { get; }

        public PayloadProperty<HttpResponseMessage> Response { get; }

        public static Payload For(ref Payload? slot, Type type)
        {
            var readers = Volatile.Read(ref slot);
            if (readers is null || readers.Type != type)
            {
                readers = new Payload(type);
                Volatile.Write(ref slot, readers);
            }

            return readers;
        }
    }

    private sealed class Lease(bool suppressing) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            NamedDiagnosticListenerSubscription? stopping = null;
            lock (s_gate)
            {
                if (suppressing)
                {
                    s_suppressing--;
                }

                if (--s_leases == 0)
                {
                    stopping = s_subscription;
                    s_subscription = null;
                }
            }

            stopping?.Dispose();
        }
    }
}

using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The HTTP/2 side of a gRPC call's span.
/// <para>
/// A call made by Grpc.Net.Client has its span already: Grpc.Net.Client's own Activity
/// (<see cref="GrpcSpanNames.GrpcNetClientActivity"/>), which the SDK records (source
/// <c>Grpc.Net.Client</c>, sampled as the caller's child) and <see cref="GrpcNetClientActivityProcessor"/>
/// names and describes. This handler gives it <c>server.address</c> / <c>server.port</c> from the request
/// URL and injects its context into the request headers (the call's metadata) through a
/// <see cref="DistributedContextPropagator"/>. When HttpClient spans are suppressed (the default) the
/// request is sent under OpenTelemetry's <see cref="SuppressInstrumentationScope"/>, so HttpClient's own
/// span is not created and the call is one hop in the trace; HttpClient never overwrites a header that
/// is already set, so the server's parent is the gRPC span. A call the <see cref="TracingInterceptor"/>
/// traces (Grpc.Net.Client's Activity is not recorded under it) only gets the server's address on the
/// interceptor's span; a call whose Grpc.Net.Client Activity the sampler dropped passes through.
/// </para>
/// <para>
/// A gRPC request not made by Grpc.Net.Client (a client sending gRPC over a plain <see cref="HttpClient"/>,
/// or Grpc.Net.Client in a process whose provider does not record its source) gets a CLIENT span of
/// this handler's own, named <c>{package.Service}/{Method}</c> with the RPC semantic-convention
/// attributes, ended by the status read from the wire (see <see cref="GrpcClientCall"/>), the caller's
/// child, injected and sent like the above.
/// </para>
/// </summary>
internal sealed class GrpcClientTracingHandler : DelegatingHandler
{
    private static object? s_lastPort;

    private readonly DistributedContextPropagator? _propagator;
    private readonly bool _suppressHttpClientSpans;
    private readonly TimeProvider _time;

    /// <param name="propagator">The propagator to inject with; <see langword="null"/> reads <see cref="DistributedContextPropagator.Current"/> on each call.</param>
    /// <param name="suppressHttpClientSpans">Whether HttpClient's span beneath the gRPC span is suppressed.</param>
    /// <param name="time">The clock deadlines are judged by.</param>
    public GrpcClientTracingHandler(DistributedContextPropagator? propagator, bool suppressHttpClientSpans, TimeProvider? time = null)
    {
        _propagator = propagator;
        _suppressHttpClientSpans = suppressHttpClientSpans;
        _time = time ?? TimeProvider.System;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!GrpcClientSpans.Source.HasListeners() || !IsGrpc(request) || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var current = Activity.Current;
        var caller = GrpcClientSpans.Caller(current);
        if (GrpcClientSpans.IsOpenCallSpan(caller))
        {
            AddServer(caller!, uri);
            return base.SendAsync(request, cancellationToken);
        }

        if (GrpcClientSpans.IsRecordedGrpcNetClientActivity(current))
        {
            AddServer(current!, uri);
            return SendUnder(current!, request, cancellationToken);
        }

        if (GrpcClientSpans.IsGrpcNetClientActivity(current) && current!.Source.Name.Length > 0)
        {
            // Grpc.Net.Client's Activity, created for a listener that dropped it: the call is not sampled.
            return base.SendAsync(request, cancellationToken);
        }

        if (!ReferenceEquals(current, caller))
        {
            // Grpc.Net.Client's Activity made for nobody (no provider records its source) is current: start the span as the caller's child.
            Activity.Current = caller;
        }

        var method = GrpcMethod.FromPath(uri.AbsolutePath);
        var activity = GrpcClientSpans.Source.StartActivity(method.SpanName, ActivityKind.Client, parentContext: default, tags: method.StartTags(uri.IdnHost, uri.Port));
        if (activity is null)
        {
            return base.SendAsync(request, cancellationToken);
        }

        return SendTracedAsync(request, activity, cancellationToken);
    }

    /// <summary>
    /// gRPC over HTTP/2: <c>application/grpc</c>, optionally with a <c>+format</c> suffix
    /// (PROTOCOL-HTTP2.md, "Content-Type"). gRPC-Web carries its trailers in the body and is left to
    /// HttpClient's own span.
    /// </summary>
    private static bool IsGrpc(HttpRequestMessage request) =>
        GrpcProtocolNames.IsGrpcMediaType(request.Content?.Headers.ContentType?.MediaType);

    /// <summary><c>server.address</c> and <c>server.port</c> of a span started where the server was not known.</summary>
    private static void AddServer(Activity span, Uri uri)
    {
        if (span.IsAllDataRequested && span.GetTagItem(SemanticConventions.ServerAddress) is null)
        {
            span.SetTag(SemanticConventions.ServerAddress, uri.IdnHost);
            span.SetTag(SemanticConventions.ServerPort, BoxedPort(uri.Port));
        }
    }

    /// <summary>The port, boxed once for the port last seen (a channel calls one server).</summary>
    private static object BoxedPort(int port)
    {
        var last = s_lastPort;
        if (last is not null && (int)last == port)
        {
            return last;
        }

        object boxed = port;
        s_lastPort = boxed;
        return boxed;
    }

    private static TimeSpan? Timeout(HttpRequestMessage request) =>
        request.Headers.NonValidated.TryGetValues(GrpcSpanNames.TimeoutHeader, out var values)
        && GrpcTimeout.TryParse(values.ToString(), out var timeout)
            ? timeout
            : null;

    private async Task<HttpResponseMessage> SendTracedAsync(HttpRequestMessage request, Activity activity, CancellationToken cancellationToken)
    {
        var call = new GrpcClientCall(activity, _time, Timeout(request));
        Task<HttpResponseMessage> sending;
        try
        {
            if (_suppressHttpClientSpans)
            {
                Inject(activity, request);

                // Only the synchronous start of the send runs inside the scope here; the send's own
                // continuations keep the suppression they captured, while this method's flow gets it
                // back off before the span ends (a span that ends under the scope would not be exported).
                using (SuppressInstrumentationScope.Begin())
                {
                    sending = base.SendAsync(request, cancellationToken);
                }
            }
            else
            {
                // HttpClient's span is the server's parent: HttpClient injects it.
                sending = base.SendAsync(request, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            call.EndWithException(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        HttpResponseMessage response;
        try
        {
            response = await sending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            call.EndWithException(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        if (!activity.IsAllDataRequested)
        {
            call.EndUnrecorded();
            return response;
        }

        if (!call.TryEndFromResponseHeaders(response))
        {
            response.Content = new GrpcResponseContent(response.Content, call, response);
        }

        return response;
    }

    /// <summary>
    /// The call's span is Grpc.Net.Client's Activity: propagate it, and keep HttpClient's span away unless
    /// asked not to. The SDK's description of that Activity may have entered the suppression already
    /// (a host's <c>SuppressHttpClientSpans</c>); this handler's own setting wins for its requests.
    /// </summary>
    private Task<HttpResponseMessage> SendUnder(Activity span, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_suppressHttpClientSpans)
        {
            // HttpClient's span is the gRPC span's child and the server's parent: HttpClient injects it.
            if (!OpenTelemetry.Sdk.SuppressInstrumentation)
            {
                return base.SendAsync(request, cancellationToken);
            }

            using (SuppressInstrumentationScope.Begin(false))
            {
                return base.SendAsync(request, cancellationToken);
            }
        }

        if (OpenTelemetry.Sdk.SuppressInstrumentation)
        {
            // GrpcNetClientDiagnostics has injected the span's context and suppressed the rest of the call.
            return base.SendAsync(request, cancellationToken);
        }

        Inject(span, request);
        using (SuppressInstrumentationScope.Begin())
        {
            return base.SendAsync(request, cancellationToken);
        }
    }

    private void Inject(Activity activity, HttpRequestMessage request) =>
        Inject(_propagator ?? DistributedContextPropagator.Current, activity, request);

    /// <summary>Injects <paramref name="activity"/>'s context into <paramref name="request"/>'s headers; a header already set is kept.</summary>
    internal static void Inject(DistributedContextPropagator propagator, Activity activity, HttpRequestMessage request) =>
        propagator.Inject(activity, request, static (carrier, key, value) =>
        {
            // As HttpClient does: a header the caller set is the caller's decision.
            if (carrier is HttpRequestMessage message && key is not null && !message.Headers.NonValidated.Contains(key))
            {
                message.Headers.TryAddWithoutValidation(key, value);
            }
        });
}

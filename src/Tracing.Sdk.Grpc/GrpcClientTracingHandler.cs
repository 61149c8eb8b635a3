using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Traces gRPC calls at the HTTP/2 layer Grpc.Net.Client sends them through: one CLIENT span per
/// call, named <c>{package.Service}/{Method}</c> with the RPC semantic-convention attributes, ended
/// by the call's status (see <see cref="GrpcClientCall"/>), the caller's child (Grpc.Net.Client's own
/// Activity in between is skipped: see <see cref="GrpcClientSpans"/>). The trace context is injected
/// into the request headers (the call's metadata) through a <see cref="DistributedContextPropagator"/>,
/// with this span as the parent.
/// <para>
/// When HttpClient spans are suppressed (the default) the call runs under OpenTelemetry's
/// <see cref="SuppressInstrumentationScope"/>, so HttpClient's own span is not created and the call
/// is one hop in the trace. The headers are injected here first, and HttpClient never overwrites a
/// header that is already set, so the server's parent is this span.
/// </para>
/// <para>
/// A call that already has its span makes none here: one the <see cref="TracingInterceptor"/> traces
/// (this handler only adds the server's address to it), and one whose Grpc.Net.Client Activity the app
/// records itself (OpenTelemetry's gRPC client instrumentation): that Activity is the call's span, and
/// this handler propagates it and keeps HttpClient's span away as it would its own.
/// </para>
/// </summary>
internal sealed class GrpcClientTracingHandler : DelegatingHandler
{
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

        if (!ReferenceEquals(current, caller))
        {
            // Grpc.Net.Client's unrecorded Activity is current: start the span as the caller's child.
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
            span.SetTag(SemanticConventions.ServerPort, uri.Port);
        }
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

    /// <summary>The call's span is someone else's Activity: propagate it, and keep HttpClient's span away as for our own.</summary>
    private Task<HttpResponseMessage> SendUnder(Activity span, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_suppressHttpClientSpans)
        {
            return base.SendAsync(request, cancellationToken);
        }

        Inject(span, request);
        using (SuppressInstrumentationScope.Begin())
        {
            return base.SendAsync(request, cancellationToken);
        }
    }

    private void Inject(Activity activity, HttpRequestMessage request)
    {
        var propagator = _propagator ?? DistributedContextPropagator.Current;
        propagator.Inject(activity, request, static (carrier, key, value) =>
        {
            // As HttpClient does: a header the caller set is the caller's decision.
            if (carrier is HttpRequestMessage message && key is not null && !message.Headers.NonValidated.Contains(key))
            {
                message.Headers.TryAddWithoutValidation(key, value);
            }
        });
    }
}

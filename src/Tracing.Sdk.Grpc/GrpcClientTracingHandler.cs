using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Traces gRPC calls at the HTTP/2 layer Grpc.Net.Client sends them through: one CLIENT span per
/// call, named <c>{package.Service}/{Method}</c> with the RPC semantic-convention attributes, ended
/// by the call's status (see <see cref="GrpcClientCall"/>). The trace context is injected into the
/// request headers (the call's metadata) through a <see cref="DistributedContextPropagator"/>, with
/// this span as the parent.
/// <para>
/// When HttpClient spans are suppressed (the default) the call runs under OpenTelemetry's
/// <see cref="SuppressInstrumentationScope"/>, so HttpClient's own span is not created and the call
/// is one hop in the trace. The headers are injected here first, and HttpClient never overwrites a
/// header that is already set, so the server's parent is this span.
/// </para>
/// </summary>
internal sealed class GrpcClientTracingHandler : DelegatingHandler
{
    internal static readonly ActivitySource Source = new(
        GrpcSpanNames.SourceName,
        typeof(GrpcClientTracingHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

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
        if (!Source.HasListeners() || !IsGrpc(request) || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var method = GrpcMethod.FromPath(uri.AbsolutePath);
        var activity = Source.StartActivity(method.SpanName, ActivityKind.Client, parentContext: default, tags: Tags(method, uri));
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

    /// <summary>Attributes known before the call, given at start so that samplers see them (semconv RPC spans).</summary>
    private static KeyValuePair<string, object?>[] Tags(GrpcMethod method, Uri uri)
    {
        if (method.Service is null)
        {
            return
            [
                new(SemanticConventions.RpcSystem, SemanticConventions.RpcSystemGrpc),
                new(SemanticConventions.ServerAddress, uri.IdnHost),
                new(SemanticConventions.ServerPort, uri.Port),
            ];
        }

        return
        [
            new(SemanticConventions.RpcSystem, SemanticConventions.RpcSystemGrpc),
            new(SemanticConventions.RpcService, method.Service),
            new(SemanticConventions.RpcMethod, method.Method),
            new(SemanticConventions.ServerAddress, uri.IdnHost),
            new(SemanticConventions.ServerPort, uri.Port),
        ];
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

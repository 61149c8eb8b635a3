using System.Diagnostics;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// gRPC client tracing for channels made by hand: <c>channel.Intercept(GrpcTracing.CreateInterceptor())</c>,
/// or at the HTTP/2 layer
/// <c>GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = GrpcTracing.CreateHandler() })</c>.
/// With <c>IHttpClientFactory</c> (<c>services.AddGrpcClient&lt;T&gt;()</c>) use
/// <c>.AddInterceptor&lt;TracingInterceptor&gt;()</c> or <c>.AddGrpcTracing()</c> instead, which take
/// the options and propagators from the host.
/// </summary>
public static class GrpcTracing
{
    /// <summary>
    /// Creates an interceptor that gives every call made through it one CLIENT span (see
    /// <see cref="TracingInterceptor"/>) and injects the trace context into the call's metadata with
    /// the process-wide propagators (<see cref="DistributedContextPropagator.Current"/>, which
    /// <c>AddTracing</c> sets to the configured ones). Spans are recorded while a host with
    /// <c>AddTracing</c> runs.
    /// </summary>
    /// <returns>An interceptor to pass to <c>channel.Intercept(...)</c> or <c>callInvoker.Intercept(...)</c>.</returns>
    public static TracingInterceptor CreateInterceptor() => new(propagator: null);

    /// <summary>
    /// Creates a handler that gives every gRPC call sent through it one CLIENT span named
    /// <c>{package.Service}/{Method}</c>, ended by the call's <c>grpc-status</c> (or its cancellation,
    /// deadline or failure), and injects the trace context into the call's metadata with the
    /// process-wide propagators (<see cref="DistributedContextPropagator.Current"/>, which
    /// <c>AddTracing</c> sets to the configured ones). HttpClient's span beneath it is suppressed, so a
    /// call is one hop. Spans are recorded while a host with <c>AddTracing</c> runs.
    /// </summary>
    /// <param name="inner">The handler that sends the calls; default a new <see cref="SocketsHttpHandler"/>.</param>
    /// <returns>A handler to pass as <c>GrpcChannelOptions.HttpHandler</c>.</returns>
    public static HttpMessageHandler CreateHandler(HttpMessageHandler? inner = null) =>
        new GrpcClientTracingHandler(propagator: null, suppressHttpClientSpans: true)
        {
            InnerHandler = inner ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        };
}

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
    /// Creates a handler for a Grpc.Net.Client channel. A call's span is Grpc.Net.Client's own Activity,
    /// which <c>AddTracing</c> records and names <c>{package.Service}/{Method}</c>, ended with the status
    /// Grpc.Net.Client reports (a channel without this handler gets that too); the handler adds
    /// <c>server.address</c> / <c>server.port</c> from the request URL, injects the span's context into
    /// the call's metadata with the process-wide propagators (<see cref="DistributedContextPropagator.Current"/>,
    /// which <c>AddTracing</c> sets to the configured ones), and always suppresses HttpClient's span beneath
    /// it, so a call is one hop. A gRPC request sent through it without Grpc.Net.Client gets a CLIENT span
    /// of the handler's own, ended by the <c>grpc-status</c> read from the wire (or the call's cancellation,
    /// deadline or failure). Spans are recorded while a host with <c>AddTracing</c> runs.
    /// </summary>
    /// <param name="inner">The handler that sends the calls; default a new <see cref="SocketsHttpHandler"/>.</param>
    /// <returns>A handler to pass as <c>GrpcChannelOptions.HttpHandler</c>.</returns>
    public static HttpMessageHandler CreateHandler(HttpMessageHandler? inner = null) =>
        new GrpcClientTracingHandler(propagator: null, suppressHttpClientSpans: true)
        {
            InnerHandler = inner ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        };
}

using System.Diagnostics;
using Grpc.Core;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// An intercepted client-streaming call: the request stream goes to the call unchanged; the span ends
/// with the response (or the exception in its place) or at dispose.
/// </summary>
internal sealed class ClientStreamingCallWatch<TRequest, TResponse> : ClientCallWatch
{
    private static readonly Func<object, Task<Metadata>> s_headers = static state => ((ClientStreamingCallWatch<TRequest, TResponse>)state)._call.ResponseHeadersAsync;
    private static readonly Func<object, Status> s_status = static state => ((ClientStreamingCallWatch<TRequest, TResponse>)state)._call.GetStatus();
    private static readonly Func<object, Metadata> s_trailers = static state => ((ClientStreamingCallWatch<TRequest, TResponse>)state)._call.GetTrailers();
    private static readonly Action<object> s_dispose = static state => ((ClientStreamingCallWatch<TRequest, TResponse>)state).Dispose();

    private readonly AsyncClientStreamingCall<TRequest, TResponse> _call;
    private Task<TResponse>? _response;

    private ClientStreamingCallWatch(Activity activity, AsyncClientStreamingCall<TRequest, TResponse> call)
        : base(activity) => _call = call;

    public static AsyncClientStreamingCall<TRequest, TResponse> Watch(Activity activity, AsyncClientStreamingCall<TRequest, TResponse> call)
    {
        var watch = new ClientStreamingCallWatch<TRequest, TResponse>(activity, call);
        var response = watch.WatchResponseAsync(call.ResponseAsync);
        watch._response = response;
        return new AsyncClientStreamingCall<TRequest, TResponse>(call.RequestStream, response, s_headers, s_status, s_trailers, s_dispose, watch);
    }

    protected override Status CallStatus() => _call.GetStatus();

    private void Dispose()
    {
        _call.Dispose();
        EndDisposed();
        UnaryCallWatch<TResponse>.Observe(_response);
    }
}

using System.Diagnostics;
using Grpc.Core;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// An intercepted bidirectional-streaming call, and the caller's reader of its responses: the request
/// stream goes to the call unchanged, each <see cref="MoveNext"/> and <see cref="Current"/> is the
/// call's own; the span ends when the response stream ends (the call's status), when reading it
/// throws, or at dispose.
/// </summary>
internal sealed class DuplexStreamingCallWatch<TRequest, TResponse> : ClientCallWatch, IAsyncStreamReader<TResponse>
{
    private static readonly Func<object, Task<Metadata>> s_headers = static state => ((DuplexStreamingCallWatch<TRequest, TResponse>)state)._call.ResponseHeadersAsync;
    private static readonly Func<object, Status> s_status = static state => ((DuplexStreamingCallWatch<TRequest, TResponse>)state)._call.GetStatus();
    private static readonly Func<object, Metadata> s_trailers = static state => ((DuplexStreamingCallWatch<TRequest, TResponse>)state)._call.GetTrailers();
    private static readonly Action<object> s_dispose = static state => ((DuplexStreamingCallWatch<TRequest, TResponse>)state).Dispose();

    private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call;

    private DuplexStreamingCallWatch(Activity activity, AsyncDuplexStreamingCall<TRequest, TResponse> call)
        : base(activity) => _call = call;

    public TResponse Current => _call.ResponseStream.Current;

    public static AsyncDuplexStreamingCall<TRequest, TResponse> Watch(Activity activity, AsyncDuplexStreamingCall<TRequest, TResponse> call)
    {
        var watch = new DuplexStreamingCallWatch<TRequest, TResponse>(activity, call);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call.RequestStream, watch, s_headers, s_status, s_trailers, s_dispose, watch);
    }

    public Task<bool> MoveNext(CancellationToken cancellationToken) => WatchMoveNext(_call.ResponseStream, cancellationToken);

    protected override Status CallStatus() => _call.GetStatus();

    private void Dispose()
    {
        _call.Dispose();
        EndDisposed();
    }
}

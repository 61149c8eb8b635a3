using System.Diagnostics;
using Grpc.Core;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// An intercepted server-streaming call, and the caller's reader of its responses: each
/// <see cref="MoveNext"/> and <see cref="Current"/> is the call's own; the span ends when the stream
/// ends (the call's status), when reading it throws, or at dispose.
/// </summary>
internal sealed class ServerStreamingCallWatch<TResponse> : ClientCallWatch, IAsyncStreamReader<TResponse>
{
    private static readonly Func<object, Task<Metadata>> s_headers = static state => ((ServerStreamingCallWatch<TResponse>)state)._call.ResponseHeadersAsync;
    private static readonly Func<object, Status> s_status = static state => ((ServerStreamingCallWatch<TResponse>)state)._call.GetStatus();
    private static readonly Func<object, Metadata> s_trailers = static state => ((ServerStreamingCallWatch<TResponse>)state)._call.GetTrailers();
    private static readonly Action<object> s_dispose = static state => ((ServerStreamingCallWatch<TResponse>)state).Dispose();

    private readonly AsyncServerStreamingCall<TResponse> _call;

    private ServerStreamingCallWatch(Activity activity, AsyncServerStreamingCall<TResponse> call)
        : base(activity) => _call = call;

    public TResponse Current => _call.ResponseStream.Current;

    public static AsyncServerStreamingCall<TResponse> Watch(Activity activity, AsyncServerStreamingCall<TResponse> call)
    {
        var watch = new ServerStreamingCallWatch<TResponse>(activity, call);
        return new AsyncServerStreamingCall<TResponse>(watch, s_headers, s_status, s_trailers, s_dispose, watch);
    }

    public Task<bool> MoveNext(CancellationToken cancellationToken) => WatchMoveNext(_call.ResponseStream, cancellationToken);

    protected override Status CallStatus() => _call.GetStatus();

    private void Dispose()
    {
        _call.Dispose();
        EndDisposed();
    }
}

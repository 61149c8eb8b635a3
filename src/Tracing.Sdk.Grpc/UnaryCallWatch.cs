using System.Diagnostics;
using Grpc.Core;

namespace Tracing.Sdk.Grpc;

/// <summary>An intercepted unary call: its span ends with the response (or the exception in its place) or at dispose.</summary>
internal sealed class UnaryCallWatch<TResponse> : ClientCallWatch
{
    private static readonly Func<object, Task<Metadata>> s_headers = static state => ((UnaryCallWatch<TResponse>)state)._call.ResponseHeadersAsync;
    private static readonly Func<object, Status> s_status = static state => ((UnaryCallWatch<TResponse>)state)._call.GetStatus();
    private static readonly Func<object, Metadata> s_trailers = static state => ((UnaryCallWatch<TResponse>)state)._call.GetTrailers();
    private static readonly Action<object> s_dispose = static state => ((UnaryCallWatch<TResponse>)state).Dispose();

    private readonly AsyncUnaryCall<TResponse> _call;
    private Task<TResponse>? _response;

    private UnaryCallWatch(Activity activity, AsyncUnaryCall<TResponse> call)
        : base(activity) => _call = call;

    /// <summary>The call as the caller gets it: the same response, headers, status and trailers, watched.</summary>
    public static AsyncUnaryCall<TResponse> Watch(Activity activity, AsyncUnaryCall<TResponse> call)
    {
        var watch = new UnaryCallWatch<TResponse>(activity, call);
        var response = watch.WatchResponseAsync(call.ResponseAsync);
        watch._response = response;
        return new AsyncUnaryCall<TResponse>(response, s_headers, s_status, s_trailers, s_dispose, watch);
    }

    protected override Status CallStatus() => _call.GetStatus();

    private void Dispose()
    {
        _call.Dispose();
        EndDisposed();
        Observe(_response);
    }

    /// <summary>
    /// A disposed call's response is not awaited: its failure (cancellation, above all) is observed here,
    /// as Grpc.Net.Client observes its own, so that it does not surface as an unobserved task exception.
    /// A response already there (the usual dispose, after the caller read it) needs no continuation.
    /// </summary>
    internal static void Observe(Task? task)
    {
        if (task is null || task.IsCompletedSuccessfully || task.IsCanceled)
        {
            return;
        }

        if (task.IsFaulted)
        {
            _ = task.Exception;
            return;
        }

        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

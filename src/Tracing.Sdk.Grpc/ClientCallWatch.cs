using System.Diagnostics;
using Grpc.Core;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The span of one intercepted call, ended exactly once by the first of: the response (unary and
/// client streaming), the end of the response stream (server streaming and bidi), an exception from
/// either (an <see cref="RpcException"/> carries the status: deadline, cancellation, the server's
/// error), or the caller disposing the call before any of them. Later endings are ignored. What the
/// caller reads and writes passes through unchanged, and nothing here throws into the call.
/// </summary>
internal abstract class ClientCallWatch
{
    private const string DisposedMessage = "The call was disposed before it completed.";

    private readonly Activity _activity;
    private int _ended;

    protected ClientCallWatch(Activity activity) => _activity = activity;

    public Activity Activity => _activity;

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    public void End(in CallOutcome outcome)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            GrpcClientSpans.Stop(_activity, outcome.Code, outcome.Message, outcome.Recorded);
        }
    }

    public void End(Exception exception)
    {
        if (!IsEnded)
        {
            End(CallOutcome.From(exception));
        }
    }

    /// <summary>
    /// The caller disposed the call: it ends with the status the call already has, if it is complete
    /// (<see cref="CallStatus"/> throws while it is not), else as cancelled, which is what disposing
    /// a running call does (Grpc.Net.Client cancels it).
    /// </summary>
    public void EndDisposed()
    {
        if (IsEnded)
        {
            return;
        }

        Status status;
        try
        {
            status = CallStatus();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            End(CallOutcome.Cancelled(DisposedMessage));
            return;
        }

        End(CallOutcome.From(status));
    }

    /// <summary>The response stream reached its end: the status is the call's (OK unless the invoker says otherwise).</summary>
    public void EndAtStreamEnd()
    {
        if (IsEnded)
        {
            return;
        }

        try
        {
            End(CallOutcome.From(CallStatus()));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ClientCallWatch), ex.Message);
            End(CallOutcome.Ok);
        }
    }

    /// <summary>The intercepted call's status; throws while the call is not complete.</summary>
    protected abstract Status CallStatus();

    /// <summary>
    /// Reads the next response message through <paramref name="reader"/>, unchanged, ending the span at
    /// the end of the stream or at the exception that ends it.
    /// </summary>
    protected Task<bool> WatchMoveNext<T>(IAsyncStreamReader<T> reader, CancellationToken cancellationToken)
    {
        Task<bool> next;
        try
        {
            next = reader.MoveNext(cancellationToken);
        }
        catch (Exception ex)
        {
            End(ex);
            throw;
        }

        // Buffered messages complete at once: the reader's own task goes back, no state machine.
        if (next.IsCompletedSuccessfully)
        {
            if (!next.Result)
            {
                EndAtStreamEnd();
            }

            return next;
        }

        return AwaitMoveNextAsync(next);
    }

    /// <summary>The caller's view of <paramref name="response"/>, completed only after the span ended.</summary>
    protected async Task<TResponse> WatchResponseAsync<TResponse>(Task<TResponse> response)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            End(CallOutcome.Ok);
            return result;
        }
        catch (Exception ex)
        {
            End(ex);
            throw;
        }
    }

    private async Task<bool> AwaitMoveNextAsync(Task<bool> next)
    {
        bool more;
        try
        {
            more = await next.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            End(ex);
            throw;
        }

        if (!more)
        {
            EndAtStreamEnd();
        }

        return more;
    }
}

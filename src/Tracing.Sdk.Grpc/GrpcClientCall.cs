using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The span of one gRPC call from the request to the call's last event, whichever path gets there:
/// the <c>grpc-status</c> trailer at the end of the response stream, a Trailers-Only or non-200
/// response, a transport failure, cancellation, the deadline, or the response disposed before its
/// end. The first of them ends the span with its status; later ones are ignored, so the span ends
/// exactly once. Nothing here throws.
/// </summary>
internal sealed class GrpcClientCall
{
    private const string DeadlineExceededMessage = "Deadline Exceeded";
    private const string CancelledMessage = "Cancelled";
    private const string DisposedMessage = "The call was disposed before the server sent its status.";
    private const string NoStatusMessage = "The response ended without a grpc-status.";

    private readonly Activity _activity;
    private readonly TimeProvider _time;
    private readonly long _deadline;
    private int _ended;

    /// <param name="activity">The started client span.</param>
    /// <param name="time">The clock the deadline is judged by.</param>
    /// <param name="timeout">The request's <c>grpc-timeout</c>, if it had one.</param>
    public GrpcClientCall(Activity activity, TimeProvider time, TimeSpan? timeout)
    {
        _activity = activity;
        _time = time;
        if (timeout is { } allowed && allowed > TimeSpan.Zero)
        {
            // The caller's deadline timer started a moment before this handler ran (it encoded the
            // remaining time into grpc-timeout), so a cancellation that comes within a small margin of
            // the timeout is the deadline, not the caller: a tenth of the timeout, at most 100 ms.
            var margin = TimeSpan.FromTicks(Math.Min(allowed.Ticks / 10, TimeSpan.TicksPerMillisecond * 100));
            _deadline = time.GetTimestamp() + (long)((allowed - margin).Ticks * (time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
        }
    }

    public Activity Activity => _activity;

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>The response is in: ends the span now if it already carries the status, else returns <see langword="false"/>.</summary>
    public bool TryEndFromResponseHeaders(HttpResponseMessage response)
    {
        // Trailers-Only: grpc-status arrives in the only HEADERS frame (PROTOCOL-HTTP2.md, "Responses").
        if (TryReadStatus(response.Headers, out var code, out var message))
        {
            End(code, message, null);
            return true;
        }

        // Not a gRPC response at all: the status comes from the HTTP status.
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            var httpStatus = (int)response.StatusCode;
            End(GrpcStatusCodes.FromHttpStatus(httpStatus), $"HTTP status {httpStatus} from a gRPC server.", null);
            return true;
        }

        return false;
    }

    /// <summary>The response stream reached its end: the status is in the trailers.</summary>
    public void EndFromTrailers(HttpResponseMessage response)
    {
        if (IsEnded)
        {
            return;
        }

        if (TryReadStatus(response.TrailingHeaders, out var code, out var message)
            || TryReadStatus(response.Headers, out code, out message))
        {
            End(code, message, null);
        }
        else
        {
            End(GrpcStatusCodes.Internal, NoStatusMessage, null);
        }
    }

    /// <summary>Sending or reading failed with <paramref name="exception"/>.</summary>
    public void EndWithException(Exception exception, bool cancellationRequested)
    {
        if (IsEnded)
        {
            return;
        }

        if (cancellationRequested || exception is OperationCanceledException)
        {
            EndCancelled(CancelledMessage);
            return;
        }

        var code = TransportStatus(exception);
        if (code == GrpcStatusCodes.Cancelled)
        {
            EndCancelled(CancelledMessage);
            return;
        }

        End(code, exception.Message, exception);
    }

    /// <summary>The response was disposed before the status arrived.</summary>
    public void EndDisposed()
    {
        if (!IsEnded)
        {
            EndCancelled(DisposedMessage);
        }
    }

    /// <summary>A span that records nothing: stop it without a status, at once.</summary>
    public void EndUnrecorded() => End(GrpcStatusCodes.Ok, null, null);

    /// <summary>Whether <paramref name="headers"/> hold a <c>grpc-status</c>, and what it and <c>grpc-message</c> say.</summary>
    internal static bool TryReadStatus(HttpHeaders headers, out int code, out string? message)
    {
        code = GrpcStatusCodes.Unknown;
        message = null;
        if (!headers.NonValidated.TryGetValues(GrpcSpanNames.StatusHeader, out var statusValues))
        {
            return false;
        }

        // A status that is not a number is a broken server; UNKNOWN is what a client makes of it.
        if (int.TryParse(statusValues.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            code = parsed;
        }

        if (headers.NonValidated.TryGetValues(GrpcSpanNames.MessageHeader, out var messageValues))
        {
            message = DecodeMessage(messageValues.ToString());
        }

        return true;
    }

    /// <summary><c>grpc-message</c> is UTF-8, percent-encoded (PROTOCOL-HTTP2.md, "Responses").</summary>
    private static string DecodeMessage(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    /// <summary>
    /// The status of a call that failed below gRPC, as gRPC clients report it: a stream reset maps by
    /// its HTTP/2 error code; a connection that could not be made or broke is UNAVAILABLE; anything
    /// else is INTERNAL.
    /// </summary>
    private static int TransportStatus(Exception exception)
    {
        var unavailable = false;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpProtocolException protocol)
            {
                return GrpcStatusCodes.FromHttp2Error(protocol.ErrorCode);
            }

            unavailable |= current is SocketException or IOException or HttpRequestException;
        }

        return unavailable ? GrpcStatusCodes.Unavailable : GrpcStatusCodes.Internal;
    }

    private void EndCancelled(string message)
    {
        if (_deadline != 0 && _time.GetTimestamp() >= _deadline)
        {
            End(GrpcStatusCodes.DeadlineExceeded, DeadlineExceededMessage, null);
        }
        else
        {
            End(GrpcStatusCodes.Cancelled, message, null);
        }
    }

    private void End(int code, string? message, Exception? exception)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        try
        {
            // The code and status go on every span, recorded or not: span metrics count unsampled calls
            // too, from the span as it ends (an unrecorded span's first tag allocates its list; the call
            // itself allocates far more).
            _activity.SetTag(SemanticConventions.RpcGrpcStatusCode, GrpcStatusCodes.Box(code));

            // Semconv gRPC: on the client every code but OK is an error; grpc-message describes it.
            if (code != GrpcStatusCodes.Ok)
            {
                _activity.SetStatus(ActivityStatusCode.Error, message);
            }

            if (exception is not null && _activity.IsAllDataRequested)
            {
                _activity.AddException(exception);
            }

            // Activity.Stop makes the span's parent current; the caller's flow (a stream read, a
            // dispose) keeps whatever it had.
            var current = Activity.Current;
            _activity.Stop();
            if (!ReferenceEquals(current, _activity))
            {
                Activity.Current = current;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(GrpcClientCall), ex.Message);
        }
    }
}

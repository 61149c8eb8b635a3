using System.Runtime.ExceptionServices;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The OTLP exporter's HTTP pipeline stage that sends an export request again when it failed
/// transiently (<see cref="OtlpRetryPolicy"/>), for both protocols: OpenTelemetry's exporter sends
/// OTLP/gRPC and OTLP/HTTP alike through the <see cref="HttpClient"/> its options' <c>HttpClientFactory</c>
/// gives it, so this one stage serves both.
/// <list type="bullet">
/// <item>Each attempt is a request message of its own (the client behind sends a message once): the
/// first shares the caller's content; only when the request is to be sent again is its body read (once)
/// and copied into the further attempts.</item>
/// <item>A gRPC answer is judged by its <c>grpc-status</c>: from the trailers, read after the (small)
/// response body, or from the headers of a Trailers-Only response.</item>
/// <item>The next attempt waits for the collector's <c>Retry-After</c> / <c>RetryInfo</c> if it gave
/// one, else for <see cref="RetryBackoff"/>. Only if the wait still ends within the export's budget
/// (<see cref="HttpClient.Timeout"/> is the same budget and cancels whatever outlasts it); otherwise
/// the last answer stands and the export fails.</item>
/// <item>Shutting the exporter down cancels a wait at once (OpenTelemetry's exporter cancels the
/// client's pending requests).</item>
/// </list>
/// It runs on the thread of the export call, the batch processor's own, never an application thread.
/// With <see cref="OtlpRetryMode.None"/> it sends once and only notes how the attempt went.
/// </summary>
internal sealed class OtlpRetryHandler : DelegatingHandler
{
    private readonly int _maxResponseBytes;
    private readonly bool _retry;
    private readonly TimeSpan _budget;
    private readonly TimeProvider _time;
    private readonly Batching.ExportAccounting _accounting;

    /// <param name="mode">Whether transient failures are sent again.</param>
    /// <param name="budget">One export's time, retries included.</param>
    /// <param name="time">The clock of the waits.</param>
    /// <param name="accounting">Where retries and failures are counted.</param>
    /// <param name="inner">Where attempts go (every attempt is a request message of its own).</param>
    /// <param name="maxResponseBytes">The largest gRPC response body read for its trailers (OTLP answers are a few bytes; the specification recommends accepting 4 MiB).</param>
    public OtlpRetryHandler(OtlpRetryMode mode, TimeSpan budget, TimeProvider time, Batching.ExportAccounting accounting, HttpMessageHandler? inner = null, int maxResponseBytes = 4 * 1024 * 1024)
    {
        _maxResponseBytes = maxResponseBytes;
        _retry = mode == OtlpRetryMode.Memory;
        _budget = budget;
        _time = time;
        _accounting = accounting;
        if (inner is not null)
        {
            InnerHandler = inner;
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, sync: false, cancellationToken).AsTask();

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // With sync: true nothing below awaits an incomplete task.
        var pending = SendCoreAsync(request, sync: true, cancellationToken);
        return pending.IsCompleted ? pending.GetAwaiter().GetResult() : pending.AsTask().GetAwaiter().GetResult();
    }

    private static bool IsGrpc(HttpRequestMessage request) =>
        request.Content?.Headers.ContentType?.MediaType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };

        foreach (var header in request.Headers.NonValidated)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        if (body is null)
        {
            copy.Content = request.Content;
        }
        else
        {
            var content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers.NonValidated)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            copy.Content = content;
        }

        return copy;
    }

    private static byte[] ReadBody(HttpContent content, CancellationToken cancellationToken)
    {
        using var stream = content.ReadAsStream(cancellationToken);
        using var buffer = new MemoryStream(content.Headers.ContentLength is > 0 and <= int.MaxValue and var length ? (int)length : 0);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool sync, CancellationToken cancellationToken)
    {
        var grpc = IsGrpc(request);
        var started = _time.GetTimestamp();
        var backoff = default(RetryBackoff);
        byte[]? body = null;

        // The first attempt shares the caller's content: an export that succeeds copies no bytes.
        var attempt = Copy(request, body: null);
        while (true)
        {
            var (response, outcome, failure) = await TryAttemptAsync(attempt, grpc, sync, cancellationToken).ConfigureAwait(false);
            if (!_retry || outcome.Succeeded || !outcome.Retryable)
            {
                return Final(response, failure);
            }

            var delay = outcome.Throttle ?? backoff.Next();
            if (_time.GetElapsedTime(started) + delay >= _budget)
            {
                // The wait would outlast the export's budget: the last answer is the export's answer.
                return Final(response, failure);
            }

            if (body is null && request.Content is { } content)
            {
                // Read once, from the caller's content (OpenTelemetry's exporter sends its serialisation
                // buffer, which can be read again and stays valid until the export returns).
                try
                {
                    body = sync ? ReadBody(content, cancellationToken) : await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or NotSupportedException)
                {
                    // Content that cannot be read twice cannot be sent twice.
                    return Final(response, failure);
                }
            }

            response?.Dispose();
            if (attempt.Content is not null && !ReferenceEquals(attempt.Content, request.Content))
            {
                attempt.Dispose(); // its own copy of the body; the caller's content is the caller's to dispose
            }

            attempt = Copy(request, body);
            _accounting.Retried(outcome.Reason);
            if (sync)
            {
                Task.Delay(delay, _time, cancellationToken).GetAwaiter().GetResult();
            }
            else
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static HttpResponseMessage Final(HttpResponseMessage? response, ExceptionDispatchInfo? failure)
    {
        if (response is not null)
        {
            return response;
        }

        failure!.Throw();
        throw failure.SourceException; // unreachable: Throw() always throws
    }

    private async ValueTask<(HttpResponseMessage? Response, AttemptOutcome Outcome, ExceptionDispatchInfo? Failure)> TryAttemptAsync(
        HttpRequestMessage request, bool grpc, bool sync, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        AttemptOutcome outcome;
        try
        {
            response = sync ? base.Send(request, cancellationToken) : await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (grpc && (int)response.StatusCode == 200 && !response.Headers.NonValidated.Contains(OtlpRetryPolicy.StatusHeader))
            {
                // The status is in the trailers, which follow the body. (gRPC needs HTTP/2, which has no
                // synchronous send, so this is the asynchronous path.)
#if NET9_0_OR_GREATER
                await response.Content.LoadIntoBufferAsync(_maxResponseBytes, cancellationToken).ConfigureAwait(false);
#else
                await response.Content.LoadIntoBufferAsync(_maxResponseBytes).ConfigureAwait(false);
#endif
            }

            outcome = grpc
                ? OtlpRetryPolicy.FromGrpcResponse(response, _time.GetUtcNow())
                : OtlpRetryPolicy.FromHttpResponse(response, _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // No usable answer. Cancellation (the export's timeout, the exporter's shutdown) is not
            // caught: it ends the export as it would without this stage.
            response?.Dispose();
            outcome = OtlpRetryPolicy.FromException(ex);
            _accounting.NoteFailure(outcome.Description);
            return (null, outcome, ExceptionDispatchInfo.Capture(ex));
        }

        if (!outcome.Succeeded)
        {
            _accounting.NoteFailure(outcome.Description);
        }

        return (response, outcome, null);
    }
}

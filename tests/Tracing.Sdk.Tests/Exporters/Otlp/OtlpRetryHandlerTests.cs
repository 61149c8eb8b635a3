using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Exporters.Otlp;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Exporters.Otlp;

/// <summary>
/// The retry stage on its own, against a scripted inner handler and a fake clock: which answers are
/// retried (OTLP specification, "Failures"), after how long (backoff, <c>Retry-After</c>, <c>RetryInfo</c>),
/// within which budget, with which request, and what is counted and noted.
/// </summary>
public sealed class OtlpRetryHandlerTests : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private static readonly byte[] Payload = [0, 0, 0, 0, 3, 0x0a, 0x01, 0x02];

    private readonly RecordingTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TracingMetrics _metrics = new();
    private readonly ScriptedHttpHandler _inner;
    private readonly MetricCollector<long> _retries;

    public OtlpRetryHandlerTests()
    {
        _inner = new ScriptedHttpHandler(_time);
        _retries = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.export.retries");
    }

    private ExportAccounting Accounting => _metrics.ForExporter(ExporterNames.Otlp);

    public void Dispose()
    {
        _retries.Dispose();
        _metrics.Dispose();
    }

    [Theory]
    [InlineData(1, "cancelled")]
    [InlineData(4, "deadline_exceeded")]
    [InlineData(10, "aborted")]
    [InlineData(11, "out_of_range")]
    [InlineData(14, "unavailable")]
    [InlineData(15, "data_loss")]
    public async Task RetryableGrpcStatus_IsSentAgain_WithTheSameRequest_UntilAccepted(int code, string reason)
    {
        _inner.ThenGrpc(code).ThenGrpc(code).ThenGrpc(0);

        using var response = await _time.DriveAsync(SendAsync(grpc: true));

        Assert.Equal("0", response.Headers.GetValues("grpc-status").Single());
        var sent = _inner.Sent.Snapshot;
        Assert.Equal(3, sent.Count);
        Assert.All(sent, s => Assert.Equal(Payload, s.Body));
        Assert.All(sent, s => Assert.Equal("s3cret", s.Request.Headers.GetValues("x-api-key").Single()));
        Assert.All(sent, s => Assert.Equal("trailers", s.Request.Headers.GetValues("TE").Single()));
        Assert.All(sent, s => Assert.Equal(HttpVersion.Version20, s.Request.Version));
        Assert.All(sent, s => Assert.Equal("application/grpc", s.Request.Content!.Headers.ContentType!.MediaType));
        Assert.Equal(2, _retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == reason && (string?)m.Tags["exporter"] == "otlp").Sum(m => m.Value));
        Assert.Equal(2, Accounting.Totals.Retries);
    }

    [Theory]
    [InlineData(2)]  // UNKNOWN
    [InlineData(3)]  // INVALID_ARGUMENT: the data is bad, sending it again cannot help
    [InlineData(5)]  // NOT_FOUND
    [InlineData(7)]  // PERMISSION_DENIED
    [InlineData(8)]  // RESOURCE_EXHAUSTED without RetryInfo: the server does not say recovery is possible
    [InlineData(9)]  // FAILED_PRECONDITION
    [InlineData(12)] // UNIMPLEMENTED
    [InlineData(13)] // INTERNAL
    [InlineData(16)] // UNAUTHENTICATED
    public async Task FinalGrpcStatus_IsNotRetried(int code)
    {
        _inner.ThenGrpc(code);

        using var response = await SendAsync(grpc: true);

        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("grpc-status").Single());
        Assert.Single(_inner.Sent.Snapshot);
        Assert.Empty(_retries.GetMeasurementSnapshot());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ResourceExhaustedWithRetryInfo_WaitsTheDelayTheServerAskedFor(bool trailersOnly)
    {
        var asked = TimeSpan.FromMilliseconds(1500);
        _inner.ThenGrpc(8, trailersOnly, GrpcStatusDetails.WithRetryInfo(8, asked)).ThenGrpc(0);

        using var response = await _time.DriveAsync(SendAsync(grpc: true));

        var sent = _inner.Sent.Snapshot;
        Assert.Equal(2, sent.Count);
        Assert.Equal(asked, sent[1].At - sent[0].At);
        Assert.Equal([asked], _time.Timers.Snapshot);
        Assert.Equal(1, _retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "resource_exhausted").Sum(m => m.Value));
    }

    [Fact]
    public async Task UnavailableInTheTrailers_IsReadAfterTheBody_AndRetried()
    {
        _inner.ThenGrpc(14, trailersOnly: false).ThenGrpc(0, trailersOnly: false);

        using var response = await _time.DriveAsync(SendAsync(grpc: true));

        Assert.Equal(2, _inner.Sent.Snapshot.Count);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RetryableHttpStatus_IsSentAgain_UntilAccepted(int status)
    {
        _inner.Then((HttpStatusCode)status).Then(HttpStatusCode.OK);

        using var response = await _time.DriveAsync(SendAsync(grpc: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _inner.Sent.Snapshot.Count);
        Assert.All(_inner.Sent.Snapshot, s => Assert.Equal(Payload, s.Body));
        Assert.Equal(1, _retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == $"http_{status}").Sum(m => m.Value));
    }

    [Theory]
    [InlineData(400)] // the request is malformed
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)] // too large: the same request would be too large again
    [InlineData(500)]
    public async Task FinalHttpStatus_IsNotRetried(int status)
    {
        _inner.Then((HttpStatusCode)status);

        using var response = await SendAsync(grpc: false);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(_inner.Sent.Snapshot);
    }

    [Fact]
    public async Task RetryAfterSeconds_IsHonoured()
    {
        _inner.Then(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3))).Then(HttpStatusCode.OK);

        using var response = await _time.DriveAsync(SendAsync(grpc: false));

        var sent = _inner.Sent.Snapshot;
        Assert.Equal(TimeSpan.FromSeconds(3), sent[1].At - sent[0].At);
    }

    [Fact]
    public async Task RetryAfterHttpDate_IsHonoured()
    {
        var at = _time.GetUtcNow().AddSeconds(4);
        _inner.Then(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(at)).Then(HttpStatusCode.OK);

        using var response = await _time.DriveAsync(SendAsync(grpc: false));

        var sent = _inner.Sent.Snapshot;
        Assert.Equal(at, sent[1].At);
    }

    [Fact]
    public async Task RetryAfterBeyondTheBudget_EndsTheExportAtOnce_WithTheCollectorsAnswer()
    {
        _inner.Then(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(1)));

        using var response = await SendAsync(grpc: false);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(_inner.Sent.Snapshot);
        Assert.Equal(0, Accounting.Totals.Retries);
        Assert.Equal("HTTP 503, Retry-After 60 s", Accounting.TakeFailure());
    }

    [Fact]
    public async Task PersistentFailure_IsRetriedWithGrowingJitteredDelays_WithinTheBudget()
    {
        for (var i = 0; i < 100; i++)
        {
            _inner.Then(HttpStatusCode.ServiceUnavailable);
        }

        var started = _time.GetUtcNow();
        using var response = await _time.DriveAsync(SendAsync(grpc: false));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var times = _inner.Sent.Snapshot.Select(s => s.At).ToList();
        Assert.InRange(times.Count, 5, 12);
        Assert.True(times[^1] - started < Budget, $"the last attempt came {times[^1] - started} after the start");

        // Each wait lies in the upper half of its ceiling (250 ms doubling up to 5 s), and the next
        // attempt comes exactly when it ends; the wait that would pass the budget is not started.
        var waits = _time.Timers.Snapshot;
        Assert.Equal(times.Count - 1, waits.Count);
        var ceiling = RetryBackoff.Initial;
        for (var i = 1; i < times.Count; i++)
        {
            Assert.InRange(waits[i - 1], ceiling / 2, ceiling);
            Assert.Equal(waits[i - 1], times[i] - times[i - 1]);
            ceiling = ceiling * 2 > RetryBackoff.Max ? RetryBackoff.Max : ceiling * 2;
        }

        Assert.Equal(times.Count - 1, Accounting.Totals.Retries);
    }

    [Fact]
    public async Task RefusedConnection_IsRetried()
    {
        _inner.ThenThrow(Refused()).ThenThrow(Refused()).Then(HttpStatusCode.OK);

        using var response = await _time.DriveAsync(SendAsync(grpc: true));

        Assert.Equal(3, _inner.Sent.Snapshot.Count);
        Assert.Equal(2, _retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "connection_error").Sum(m => m.Value));
    }

    [Fact]
    public async Task RefusedConnectionBeyondTheBudget_ThrowsTheLastFailure()
    {
        var last = Refused();
        for (var i = 0; i < 100; i++)
        {
            _inner.ThenThrow(i < 99 ? Refused() : last);
        }

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => _time.DriveAsync(SendAsync(grpc: false)));

        Assert.Equal(HttpRequestError.ConnectionError, thrown.HttpRequestError);
        Assert.InRange(_inner.Sent.Snapshot.Count, 5, 12);
        Assert.Equal("cannot connect to the collector (ConnectionRefused)", Accounting.TakeFailure());
    }

    [Theory]
    [InlineData(HttpRequestError.VersionNegotiationError)] // the collector does not speak HTTP/2: a configuration error
    [InlineData(HttpRequestError.UserAuthenticationError)]
    [InlineData(HttpRequestError.ConfigurationLimitExceeded)]
    [InlineData(HttpRequestError.InvalidResponse)] // not HTTP at all: sending again will not make it so
    public async Task NonTransientTransportFailure_IsNotRetried(HttpRequestError error)
    {
        _inner.ThenThrow(new HttpRequestException(error, "broken"));

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(grpc: true));

        Assert.Equal(error, thrown.HttpRequestError);
        Assert.Single(_inner.Sent.Snapshot);
    }

    [Fact]
    public async Task RetryNone_SendsOnce_AndNotesTheFailure()
    {
        _inner.ThenGrpc(14).ThenGrpc(0);

        using var response = await SendAsync(grpc: true, mode: OtlpRetryMode.None);

        Assert.Equal("14", response.Headers.GetValues("grpc-status").Single());
        Assert.Single(_inner.Sent.Snapshot);
        Assert.Equal("gRPC status UNAVAILABLE (14)", Accounting.TakeFailure());
    }

    [Fact]
    public async Task CancellationDuringTheWait_EndsTheExportAtOnce()
    {
        // The exporter's shutdown cancels its client's pending requests: a wait must not outlive it.
        _inner.Then(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)));
        using var cancel = new CancellationTokenSource();
        var pending = SendAsync(grpc: false, cancellation: cancel.Token);
        await _inner.Sent.WaitUntilAsync(s => s.Count == 1, TimeSpan.FromSeconds(10));

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(_inner.Sent.Snapshot);
    }

    [Fact]
    public async Task SynchronousSend_IsRetriedToo()
    {
        // OTLP/HTTP over HTTP/1.1 is sent with HttpClient.Send, which reaches the handler's Send.
        _inner.Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.OK);
        using var invoker = new HttpMessageInvoker(Handler(OtlpRetryMode.Memory));

        using var response = await _time.DriveAsync(Task.Run(() => invoker.Send(Request(grpc: false), CancellationToken.None)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _inner.Sent.Snapshot.Count);
        Assert.All(_inner.Sent.Snapshot, s => Assert.Equal(Payload, s.Body));
    }

    [Fact]
    public async Task FailureNote_NamesTheStatus_NeverHeadersOrTheCollectorsMessage()
    {
        _inner.Then(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("grpc-status", "16");
            response.Headers.TryAddWithoutValidation("grpc-message", "bad key s3cret");
            return response;
        });

        using var response = await SendAsync(grpc: true);

        var note = Accounting.TakeFailure();
        Assert.Equal("gRPC status UNAUTHENTICATED (16)", note);
        Assert.DoesNotContain("s3cret", note, StringComparison.Ordinal);
    }

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    private static HttpRequestMessage Request(bool grpc)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, grpc ? "http://collector:4317/opentelemetry.proto.collector.trace.v1.TraceService/Export" : "http://collector:4318/v1/traces")
        {
            Content = new ByteArrayContent(Payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(grpc ? "application/grpc" : "application/x-protobuf");
        request.Headers.TryAddWithoutValidation("x-api-key", "s3cret");
        if (grpc)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        return request;
    }

    private OtlpRetryHandler Handler(OtlpRetryMode mode) => new(mode, Budget, _time, Accounting, _inner);

    private async Task<HttpResponseMessage> SendAsync(bool grpc, OtlpRetryMode mode = OtlpRetryMode.Memory, CancellationToken cancellation = default)
    {
        using var invoker = new HttpMessageInvoker(Handler(mode), disposeHandler: false);
        return await invoker.SendAsync(Request(grpc), cancellation);
    }
}

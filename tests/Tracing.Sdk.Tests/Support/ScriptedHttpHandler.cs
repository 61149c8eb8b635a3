using System.Net;

namespace Tracing.Sdk.Tests.Support;

/// <summary>
/// An inner HTTP handler that answers each request with the next scripted answer (a response, or an
/// exception to throw) and records what it was sent; with the script exhausted it answers 200. Both
/// the asynchronous and the synchronous send paths are served.
/// </summary>
public sealed class ScriptedHttpHandler(TimeProvider? clock = null) : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _script = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Every request, its body, and when (by the clock given) it was sent.</summary>
    public WaitableList<(HttpRequestMessage Request, byte[] Body, DateTimeOffset At)> Sent { get; } = new();

    public ScriptedHttpHandler Then(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        lock (_script)
        {
            _script.Enqueue(answer);
        }

        return this;
    }

    public ScriptedHttpHandler Then(HttpStatusCode status, Action<HttpResponseMessage>? configure = null) => Then(_ =>
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        configure?.Invoke(response);
        return response;
    });

    public ScriptedHttpHandler ThenThrow(Exception exception) => Then(_ => throw exception);

    /// <summary>A gRPC answer: HTTP 200 with <paramref name="code"/> in the headers (Trailers-Only) or in the trailers after an empty body.</summary>
    public ScriptedHttpHandler ThenGrpc(int code, bool trailersOnly = true, string? details = null) => Then(_ =>
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]), Version = HttpVersion.Version20 };
        var headers = trailersOnly ? (System.Net.Http.Headers.HttpHeaders)response.Headers : response.TrailingHeaders;
        headers.TryAddWithoutValidation("grpc-status", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (details is not null)
        {
            headers.TryAddWithoutValidation("grpc-status-details-bin", details);
        }

        return response;
    });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var body = request.Content is null ? [] : request.Content.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult();
        Func<HttpRequestMessage, HttpResponseMessage>? answer;
        lock (_script)
        {
            _script.TryDequeue(out answer);
        }

        Sent.Add((request, body, _clock.GetUtcNow()));
        return answer is null ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) } : answer(request);
    }
}

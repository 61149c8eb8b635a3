using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Google.Protobuf;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>
/// A small hand-framed gRPC client (what Grpc.Net.Client does on the wire, and no more): HTTP/2 with
/// prior knowledge to http://127.0.0.1, <c>POST /tracingtest.Echo/{Method}</c>,
/// <c>content-type: application/grpc</c>, <c>te: trailers</c>, optional <c>grpc-timeout</c>, each
/// message behind a 5-byte prefix (compressed flag, big-endian length), the status read from the
/// trailers. Sent through whatever handler chain the test gives it.
/// </summary>
public sealed class GrpcTestClient : IDisposable
{
    public const string Service = "tracingtest.Echo";

    private readonly HttpClient _http;
    private readonly string _address;

    public GrpcTestClient(HttpMessageHandler handler, string address)
    {
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _address = address.TrimEnd('/');
    }

    public GrpcTestClient(HttpClient http, string address)
    {
        _http = http;
        _address = address.TrimEnd('/');
    }

    public static ByteArrayContent Frame(params IMessage[] messages)
    {
        var buffer = new MemoryStream();
        foreach (var message in messages)
        {
            WriteFrame(buffer, message);
        }

        return new ByteArrayContent(buffer.ToArray());
    }

    public HttpRequestMessage CreateRequest(string method, HttpContent content, TimeSpan? timeout = null, string? testId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{_address}/{Service}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (timeout is { } t)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", $"{(long)Math.Ceiling(t.TotalMilliseconds)}m");
        }

        if (testId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-test-id", testId);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>A unary call, read to the end: the replies and the status.</summary>
    public async Task<GrpcCallResult> UnaryAsync(string method, EchoRequest message, TimeSpan? timeout = null, string? testId = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(method, Frame(message), timeout, testId);
        using var response = await SendAsync(request, cancellationToken);
        return await ReadToEndAsync(response, cancellationToken);
    }

    /// <summary>Reads every reply, then the status from the trailers (or the headers of a Trailers-Only response).</summary>
    public static async Task<GrpcCallResult> ReadToEndAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var replies = new List<EchoReply>();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (await ReadMessageAsync(body, cancellationToken) is { } reply)
        {
            replies.Add(reply);
        }

        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
        return new GrpcCallResult(replies, status is null ? null : int.Parse(status), message is null ? null : Uri.UnescapeDataString(message));
    }

    /// <summary>The next reply, or null at the end of the stream.</summary>
    public static async Task<EchoReply?> ReadMessageAsync(Stream body, CancellationToken cancellationToken = default)
    {
        var header = new byte[5];
        if (!await FillAsync(body, header, cancellationToken))
        {
            return null;
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var payload = new byte[length];
        if (length > 0 && !await FillAsync(body, payload, cancellationToken))
        {
            throw new InvalidDataException("the stream ended inside a message");
        }

        return EchoReply.Parser.ParseFrom(payload);
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.First() : null;

    private static async Task<bool> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                // Read once more at a clean end is how a reader sees end-of-stream (and the trailers).
                return filled == 0 ? false : throw new InvalidDataException("the stream ended inside a frame");
            }

            filled += read;
        }

        return true;
    }

    internal static void WriteFrame(Stream stream, IMessage message)
    {
        var payload = message.ToByteArray();
        Span<byte> header = stackalloc byte[5];
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)payload.Length);
        stream.Write(header);
        stream.Write(payload);
    }
}

/// <summary>The replies a call got and its status, as the client read them.</summary>
public sealed record GrpcCallResult(IReadOnlyList<EchoReply> Replies, int? Status, string? Message);

/// <summary>
/// A request body written as the test goes (client streaming, bidi): each <see cref="WriteAsync"/>
/// sends one framed message, <see cref="Complete"/> ends the request stream.
/// </summary>
public sealed class StreamingRequestContent : HttpContent
{
    private readonly Channel<EchoRequest> _messages = Channel.CreateUnbounded<EchoRequest>();

    public ValueTask WriteAsync(EchoRequest message) => _messages.Writer.WriteAsync(message);

    public void Complete() => _messages.Writer.TryComplete();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync())
        {
            var frame = new MemoryStream();
            GrpcTestClient.WriteFrame(frame, message);
            await stream.WriteAsync(frame.ToArray());
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

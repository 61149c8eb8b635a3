using System.Net;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Stands in for the response content of a traced gRPC call so that whoever reads the body (the
/// gRPC client, or HttpClient buffering it) reads it through a <see cref="GrpcResponseStream"/>.
/// Headers are copied from the original; disposing disposes the original and, if the call has not
/// ended, ends it as abandoned.
/// </summary>
internal sealed class GrpcResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly GrpcClientCall _call;
    private readonly HttpResponseMessage _response;

    public GrpcResponseContent(HttpContent inner, GrpcClientCall call, HttpResponseMessage response)
    {
        _inner = inner;
        _call = call;
        _response = response;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new GrpcResponseStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _call, _response);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new GrpcResponseStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _call, _response);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        new GrpcResponseStream(_inner.ReadAsStream(cancellationToken), _call, _response);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var body = CreateContentReadStream(cancellationToken);
        body.CopyTo(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _call.EndDisposed();
        }

        base.Dispose(disposing);
    }
}

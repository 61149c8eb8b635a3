namespace Tracing.Sdk.Grpc;

/// <summary>
/// The response body of a traced gRPC call, read through to the caller unchanged. It watches for the
/// call's end: a read that returns 0 means the trailers are in (HttpClient moves them to
/// <see cref="HttpResponseMessage.TrailingHeaders"/> before it reports end-of-stream); a read that
/// throws is a failure, cancellation or deadline; a dispose before either is an abandoned call.
/// </summary>
internal sealed class GrpcResponseStream(Stream inner, GrpcClientCall call, HttpResponseMessage response) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception ex)
        {
            call.EndWithException(ex, cancellationRequested: false);
            throw;
        }

        if (read == 0 && buffer.Length > 0)
        {
            call.EndFromTrailers(response);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> reading;
        try
        {
            reading = inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex)
        {
            call.EndWithException(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        // Most reads complete at once from buffered frames: no state machine for those.
        if (reading.IsCompletedSuccessfully)
        {
            var read = reading.Result;
            if (read == 0 && buffer.Length > 0)
            {
                call.EndFromTrailers(response);
            }

            return new ValueTask<int>(read);
        }

        return AwaitReadAsync(reading, buffer.Length, cancellationToken);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            call.EndDisposed();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        call.EndDisposed();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<int> AwaitReadAsync(ValueTask<int> reading, int requested, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await reading.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            call.EndWithException(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        if (read == 0 && requested > 0)
        {
            call.EndFromTrailers(response);
        }

        return read;
    }
}

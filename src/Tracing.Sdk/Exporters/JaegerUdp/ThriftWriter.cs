using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Writes Thrift values into a caller-owned array, never past a limit. Running out of room does not
/// throw or grow anything: <see cref="Overflowed"/> turns true and the caller throws the bytes away
/// (the datagram assembler uses this to learn that a span does not fit). The two protocols differ
/// only in how lengths, integers and field headers look on the wire.
/// </summary>
internal abstract class ThriftWriter
{
    /// <summary>Thrift <c>TMessageType.ONEWAY</c>: the agent's <c>emitBatch</c> is a oneway call (no reply).</summary>
    public const byte OnewayMessage = 4;

    // U+2026 HORIZONTAL ELLIPSIS in UTF-8: appended to a string value that was cut to fit a datagram.
    private static ReadOnlySpan<byte> Ellipsis => [0xE2, 0x80, 0xA6];

    private byte[] _buffer = [];
    private int _position;
    private int _limit;

    /// <summary>The next byte written goes here.</summary>
    public int Position => _position;

    /// <summary>Whether a write did not fit below the limit since the last <see cref="Reset"/>.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Writes from <paramref name="position"/> up to (not including) <paramref name="limit"/>, with fresh struct state.</summary>
    public void Reset(byte[] buffer, int position, int limit)
    {
        MoveTo(buffer, position, limit);
        Overflowed = false;
        ResetState();
    }

    /// <summary>Continues writing somewhere else, keeping the struct nesting state (used to write a trailer after spans copied in raw).</summary>
    public void MoveTo(byte[] buffer, int position, int limit)
    {
        _buffer = buffer;
        _position = position;
        _limit = Math.Max(position, Math.Min(limit, buffer.Length));
    }

    public abstract void WriteMessageBegin(string name, byte messageType, int sequenceId);

    public virtual void WriteStructBegin()
    {
    }

    public virtual void WriteStructEnd()
    {
    }

    public abstract void WriteFieldBegin(ThriftType type, short id);

    /// <summary>A whole bool field (the compact protocol folds the value into the field header).</summary>
    public abstract void WriteBoolField(short id, bool value);

    public void WriteFieldStop() => WriteByte(0);

    public abstract void WriteListBegin(ThriftType elementType, int count);

    public abstract void WriteI32(int value);

    public abstract void WriteI64(long value);

    public abstract void WriteDouble(double value);

    /// <summary>Bytes that are already Thrift (a struct serialised earlier), copied as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (TryTake(bytes.Length, out var destination))
        {
            bytes.CopyTo(destination);
        }
    }

    /// <summary>A UTF-8 string (lone surrogates become U+FFFD, as <see cref="Encoding.UTF8"/> does).</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        // Most values are short: encode once straight after the smallest length prefix and fill the
        // length in afterwards. Longer ones are counted first, so each byte is still written only once.
        var prefix = ShortLengthPrefixSize;
        var start = _position + prefix;
        if (start <= _limit)
        {
            var room = Math.Min(_limit - start, ShortLengthMax);
            if (Utf8.FromUtf16(value, _buffer.AsSpan(start, room), out _, out var written) == OperationStatus.Done)
            {
                WriteShortLength(_buffer.AsSpan(_position, prefix), written);
                _position = start + written;
                return;
            }
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteLength(count);
        if (TryTake(count, out var destination))
        {
            Encoding.UTF8.GetBytes(value, destination);
        }
    }

    /// <summary>
    /// A UTF-8 string of at most <paramref name="maxBytes"/> bytes: a longer value is cut at a character
    /// boundary and ends with "…". Returns whether it was cut.
    /// </summary>
    public bool WriteString(ReadOnlySpan<char> value, int maxBytes)
    {
        if (value.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            WriteString(value);
            return false;
        }

        // Encode the longest prefix that leaves room for the ellipsis right after the widest length
        // prefix, then move it next to the real (maybe narrower) prefix. Rare path: only for spans that
        // did not fit a datagram whole.
        var start = _position + MaxLengthPrefixSize;
        var room = maxBytes - Ellipsis.Length;
        if (room < 0 || maxBytes > _limit - start)
        {
            Overflowed = true;
            return true;
        }

        Utf8.FromUtf16(value, _buffer.AsSpan(start, room), out _, out var written);
        WriteLength(written + Ellipsis.Length);
        _buffer.AsSpan(start, written).CopyTo(_buffer.AsSpan(_position));
        _position += written;
        Ellipsis.CopyTo(_buffer.AsSpan(_position));
        _position += Ellipsis.Length;
        return true;
    }

    /// <summary>Thrift <c>binary</c>, cut to <paramref name="maxBytes"/> if longer; returns whether it was cut.</summary>
    public bool WriteBinary(ReadOnlySpan<byte> value, int maxBytes = int.MaxValue)
    {
        var cut = value.Length > maxBytes;
        if (cut)
        {
            value = value[..maxBytes];
        }

        WriteLength(value.Length);
        WriteRaw(value);
        return cut;
    }

    /// <summary>Bytes of the length prefix that <see cref="WriteShortLength"/> writes.</summary>
    protected abstract int ShortLengthPrefixSize { get; }

    /// <summary>The largest length that fits the short prefix.</summary>
    protected abstract int ShortLengthMax { get; }

    /// <summary>The widest length prefix the protocol can write.</summary>
    protected abstract int MaxLengthPrefixSize { get; }

    /// <summary>Writes <paramref name="length"/> (at most <see cref="ShortLengthMax"/>) into exactly <see cref="ShortLengthPrefixSize"/> bytes.</summary>
    protected abstract void WriteShortLength(Span<byte> destination, int length);

    /// <summary>Writes a string/binary/container length prefix at the current position.</summary>
    protected abstract void WriteLength(int length);

    protected virtual void ResetState()
    {
    }

    protected void WriteByte(byte value)
    {
        if (_position < _limit)
        {
            _buffer[_position++] = value;
        }
        else
        {
            Overflowed = true;
        }
    }

    /// <summary>Claims <paramref name="count"/> bytes at the current position, or flags an overflow.</summary>
    protected bool TryTake(int count, out Span<byte> destination)
    {
        if (count <= _limit - _position)
        {
            destination = _buffer.AsSpan(_position, count);
            _position += count;
            return true;
        }

        destination = default;
        Overflowed = true;
        return false;
    }
}

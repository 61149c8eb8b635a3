using System.Globalization;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Text for tag values Jaeger has no type for, in a reused buffer: arrays as a JSON list (as the
/// OpenTelemetry-to-Jaeger mapping asks: "Array values MUST be serialized to string like a JSON list"),
/// anything else in its invariant-culture text form.
/// </summary>
internal sealed class TagValueText
{
    private const int InitialSize = 256;

    // A buffer that grew for one huge value is let go after the export instead of being kept for good.
    private const int MaxRetainedSize = 16 * 1024;

    // Longer text can never fit a datagram (at most 65,507 bytes): formatting stops here, and the span
    // then takes the too-large path, which cuts the value and marks the span.
    private const int MaxLength = 65_536;

    private char[] _chars = new char[InitialSize];
    private int _length;

    /// <summary>Formats <paramref name="value"/>; the text is valid until the next call.</summary>
    public ReadOnlySpan<char> Format(object value)
    {
        _length = 0;
        try
        {
            if (value is Array array)
            {
                AppendArray(array);
            }
            else
            {
                AppendText(value);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A value's own formatting code threw: say so rather than lose the whole span.
            _length = 0;
            Append("<unformattable ");
            Append(value.GetType().Name);
            Append('>');
        }

        return _chars.AsSpan(0, _length);
    }

    /// <summary>Lets go of a buffer that grew unusually large.</summary>
    public void Trim()
    {
        if (_chars.Length > MaxRetainedSize)
        {
            _chars = new char[InitialSize];
        }
    }

    private void AppendArray(Array array)
    {
        Append('[');
        switch (array)
        {
            case string?[] strings:
                for (var i = 0; i < strings.Length; i++)
                {
                    Separator(i);
                    AppendJsonString(strings[i]);
                }

                break;
            case bool[] bools:
                for (var i = 0; i < bools.Length; i++)
                {
                    Separator(i);
                    Append(bools[i] ? "true" : "false");
                }

                break;
            case long[] longs:
                AppendNumbers(longs);
                break;
            case int[] ints:
                AppendNumbers(ints);
                break;
            case double[] doubles:
                for (var i = 0; i < doubles.Length; i++)
                {
                    Separator(i);
                    AppendJsonDouble(doubles[i]);
                }

                break;
            default:
                // Other element types are rare: box them one by one.
                var index = 0;
                foreach (var item in array)
                {
                    Separator(index++);
                    AppendJsonValue(item);
                }

                break;
        }

        Append(']');
    }

    private void AppendNumbers<T>(T[] values)
        where T : ISpanFormattable
    {
        for (var i = 0; i < values.Length; i++)
        {
            Separator(i);
            AppendFormattable(values[i]);
        }
    }

    private void AppendJsonValue(object? item)
    {
        switch (item)
        {
            case null:
                Append("null");
                break;
            case string s:
                AppendJsonString(s);
                break;
            case bool b:
                Append(b ? "true" : "false");
                break;
            case double d:
                AppendJsonDouble(d);
                break;
            case float f:
                AppendJsonDouble(f);
                break;
            case long or int or short or sbyte or byte or ushort or uint or ulong or decimal:
                AppendFormattable((ISpanFormattable)item);
                break;
            default:
                // Anything else becomes a JSON string of its text.
                var start = _length;
                AppendText(item);
                var text = _chars.AsSpan(start, _length - start).ToString();
                _length = start;
                AppendJsonString(text);
                break;
        }
    }

    private void AppendJsonDouble(double value)
    {
        // JSON has no NaN or infinities: those go in quotes.
        if (double.IsFinite(value))
        {
            AppendFormattable(value);
        }
        else
        {
            Append('"');
            AppendFormattable(value);
            Append('"');
        }
    }

    private void AppendText(object value)
    {
        if (value is ISpanFormattable formattable)
        {
            AppendFormattable(formattable);
        }
        else
        {
            Append(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
        }
    }

    private void AppendFormattable<T>(T value)
        where T : ISpanFormattable
    {
        while (true)
        {
            if (value.TryFormat(_chars.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture))
            {
                _length += written;
                return;
            }

            if (!Grow(_chars.Length))
            {
                Append(value.ToString(null, CultureInfo.InvariantCulture));
                return;
            }
        }
    }

    private void AppendJsonString(string? value)
    {
        if (value is null)
        {
            Append("null");
            return;
        }

        Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    Append("\\\"");
                    break;
                case '\\':
                    Append("\\\\");
                    break;
                case '\n':
                    Append("\\n");
                    break;
                case '\r':
                    Append("\\r");
                    break;
                case '\t':
                    Append("\\t");
                    break;
                case < ' ':
                    Append("\\u00");
                    Append("0123456789abcdef"[c >> 4]);
                    Append("0123456789abcdef"[c & 0xF]);
                    break;
                default:
                    Append(c);
                    break;
            }
        }

        Append('"');
    }

    private void Separator(int index)
    {
        if (index > 0)
        {
            Append(',');
        }
    }

    private void Append(char c)
    {
        if (_length < _chars.Length || Grow(1))
        {
            _chars[_length++] = c;
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (text.Length > _chars.Length - _length && !Grow(text.Length))
        {
            text = text[..Math.Min(text.Length, _chars.Length - _length)];
        }

        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Makes room for <paramref name="extra"/> more characters, up to <see cref="MaxLength"/>.</summary>
    private bool Grow(int extra)
    {
        if (_chars.Length >= MaxLength)
        {
            return false;
        }

        var size = Math.Min(MaxLength, Math.Max(_length + extra, _chars.Length * 2));
        var grown = new char[size];
        _chars.AsSpan(0, _length).CopyTo(grown);
        _chars = grown;
        return true;
    }
}

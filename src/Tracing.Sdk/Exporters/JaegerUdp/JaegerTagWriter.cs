namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Writes one Jaeger <c>Tag</c> struct: the key, <c>vType</c> and the one value field that type uses.
/// Primitive attribute values keep their type (string, bool, long, double, binary); everything else
/// goes as a string (<see cref="TagValueText"/>).
/// </summary>
internal sealed class JaegerTagWriter
{
    private readonly TagValueText _text = new();

    /// <summary>Writes <paramref name="key"/> = <paramref name="value"/>; returns whether the value was cut to <paramref name="maxValueBytes"/>.</summary>
    public bool Write(ThriftWriter writer, string key, object value, int maxValueBytes)
    {
        Begin(writer, key);
        var cut = false;
        switch (value)
        {
            case string s:
                cut = StringValue(writer, s, maxValueBytes);
                break;
            case long l:
                LongValue(writer, l);
                break;
            case int i:
                LongValue(writer, i);
                break;
            case bool b:
                BoolValue(writer, b);
                break;
            case double d:
                DoubleValue(writer, d);
                break;
            case float f:
                DoubleValue(writer, f);
                break;
            case short s:
                LongValue(writer, s);
                break;
            case byte b:
                LongValue(writer, b);
                break;
            case sbyte b:
                LongValue(writer, b);
                break;
            case ushort u:
                LongValue(writer, u);
                break;
            case uint u:
                LongValue(writer, u);
                break;
            case ulong u when u <= long.MaxValue:
                LongValue(writer, (long)u);
                break;
            case byte[] bytes:
                writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.TagVType);
                writer.WriteI32(JaegerIdl.TagTypeBinary);
                writer.WriteFieldBegin(ThriftType.String, JaegerIdl.TagVBinary);
                cut = writer.WriteBinary(bytes, maxValueBytes);
                break;
            default:
                cut = StringValue(writer, _text.Format(value), maxValueBytes);
                break;
        }

        End(writer);
        return cut;
    }

    public static bool WriteString(ThriftWriter writer, string key, ReadOnlySpan<char> value, int maxValueBytes)
    {
        Begin(writer, key);
        var cut = StringValue(writer, value, maxValueBytes);
        End(writer);
        return cut;
    }

    public static void WriteBool(ThriftWriter writer, string key, bool value)
    {
        Begin(writer, key);
        BoolValue(writer, value);
        End(writer);
    }

    public static void WriteLong(ThriftWriter writer, string key, long value)
    {
        Begin(writer, key);
        LongValue(writer, value);
        End(writer);
    }

    /// <summary>Lets go of scratch space that grew for an unusually large value.</summary>
    public void Trim() => _text.Trim();

    private static void Begin(ThriftWriter writer, string key)
    {
        writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.String, JaegerIdl.TagKey);
        writer.WriteString(key);
    }

    private static void End(ThriftWriter writer)
    {
        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    private static bool StringValue(ThriftWriter writer, ReadOnlySpan<char> value, int maxValueBytes)
    {
        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.TagVType);
        writer.WriteI32(JaegerIdl.TagTypeString);
        writer.WriteFieldBegin(ThriftType.String, JaegerIdl.TagVStr);
        if (maxValueBytes == int.MaxValue)
        {
            writer.WriteString(value);
            return false;
        }

        return writer.WriteString(value, maxValueBytes);
    }

    private static void LongValue(ThriftWriter writer, long value)
    {
        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.TagVType);
        writer.WriteI32(JaegerIdl.TagTypeLong);
        writer.WriteFieldBegin(ThriftType.I64, JaegerIdl.TagVLong);
        writer.WriteI64(value);
    }

    private static void DoubleValue(ThriftWriter writer, double value)
    {
        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.TagVType);
        writer.WriteI32(JaegerIdl.TagTypeDouble);
        writer.WriteFieldBegin(ThriftType.Double, JaegerIdl.TagVDouble);
        writer.WriteDouble(value);
    }

    private static void BoolValue(ThriftWriter writer, bool value)
    {
        writer.WriteFieldBegin(ThriftType.I32, JaegerIdl.TagVType);
        writer.WriteI32(JaegerIdl.TagTypeBool);
        writer.WriteBoolField(JaegerIdl.TagVBool, value);
    }
}

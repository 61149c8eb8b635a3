namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// How much of a span is written: everything, or (for a span too large for a datagram on its own)
/// without its events and with string/binary values cut to <see cref="MaxValueBytes"/>.
/// </summary>
internal readonly record struct SpanLimits(bool IncludeEvents, int MaxValueBytes)
{
    public static SpanLimits Whole => new(true, int.MaxValue);

    public bool CutsValues => MaxValueBytes != int.MaxValue;
}

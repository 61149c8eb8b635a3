namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>Sends one finished datagram holding <paramref name="spanCount"/> spans; returns whether it left.</summary>
internal delegate bool DatagramSink(ReadOnlySpan<byte> datagram, int spanCount);

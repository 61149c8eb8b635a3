#if NET9_0_OR_GREATER
using System.Buffers.Binary;
#endif
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The <c>probabilistic</c> policy: the decision is a pure function of the trace id, so every service
/// configured with the same probability keeps the same traces. Both modes read the low half of the
/// id, which is random even for a 64-bit id a B3 or Jaeger caller zero-padded to 128 bits
/// (OpenTelemetry .NET's <see cref="TraceIdRatioBasedSampler"/> reads the high half and keeps all of those).
/// </summary>
internal sealed class ProbabilisticSampler : Sampler
{
    private const int RandomBits = 56;
    private const ulong W3cRandomMask = (1UL << RandomBits) - 1;
    private const ulong JaegerMask = 0x7FFF_FFFF_FFFF_FFFF;

    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);

    private readonly bool _jaeger;

    // w3c: the rejection threshold T, sampled when the rightmost 56 bits R satisfy R >= T.
    // jaeger: one past the sampling boundary, sampled when the masked low 63 bits are below it.
    private readonly ulong _limit;
    private readonly SamplingResult _sampled;

    public ProbabilisticSampler(double probability, TraceIdBits bits, string tagType = SamplerTypes.Probabilistic)
    {
        Probability = Math.Clamp(double.IsNaN(probability) ? 0 : probability, 0, 1);
        _jaeger = bits == TraceIdBits.Jaeger;
        _limit = _jaeger ? JaegerLimit(Probability) : W3cThreshold(Probability);
        _sampled = new SamplingResult(SamplingDecision.RecordAndSample, SamplerTags.Create(tagType, Probability));
        Description = string.Create(CultureInfo.InvariantCulture, $"ProbabilisticSampler{{{Probability},{(_jaeger ? SamplerTypes.IdBitsJaeger : SamplerTypes.IdBitsW3c)}}}");
    }

    public double Probability { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsSampled(samplingParameters.TraceId) ? _sampled : s_drop;

    public bool IsSampled(in ActivityTraceId traceId)
    {
        var low = LowBits(traceId);
        return _jaeger ? (low & JaegerMask) < _limit : (low & W3cRandomMask) >= _limit;
    }

    /// <summary>
    /// The rejection threshold of the OpenTelemetry specification
    /// (tracestate-probability-sampling.md, "Rejection Threshold"): (1 - p) × 2^56, computed as
    /// 2^56 - round(p × 2^56) so that small probabilities keep all 56 bits of precision.
    /// p = 0 gives 2^56, which no 56-bit value reaches.
    /// </summary>
    internal static ulong W3cThreshold(double probability) =>
        (1UL << RandomBits) - (ulong)Math.Round(Math.Clamp(probability, 0, 1) * (1UL << RandomBits));

    /// <summary>
    /// Jaeger clients sample when <c>boundary &gt;= low &amp; (2^63 - 1)</c> with
    /// <c>boundary = uint64(float64(2^63 - 1) × rate)</c>; float64(2^63 - 1) is 2^63, so the boundary is
    /// floor(rate × 2^63). Stored as boundary + 1 for a strict compare. Rate 0 samples nothing (the
    /// Jaeger formula would still keep an id whose low 63 bits are all zero).
    /// </summary>
    internal static ulong JaegerLimit(double probability)
    {
        var rate = Math.Clamp(probability, 0, 1);
        return rate == 0 ? 0 : (ulong)(rate * 9223372036854775808.0) + 1;
    }

    /// <summary>
    /// The low 64 bits of the id, big-endian as written in hex (the rightmost 16 hex digits of
    /// <c>traceparent</c>, Jaeger's <c>TraceID.Low</c>). Decoded from the id's own hex string, which
    /// <see cref="ActivityTraceId"/> keeps, so only the half that matters is read and nothing is allocated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LowBits(in ActivityTraceId traceId)
    {
        var hex = traceId.ToHexString().AsSpan(16, 16);
#if NET9_0_OR_GREATER
        Span<byte> bytes = stackalloc byte[8];
        Convert.FromHexString(hex, bytes, out _, out _);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
#else
        ulong value = 0;
        for (var i = 0; i < hex.Length; i++)
        {
            // Activity ids are validated lower-case hex: '0'-'9' = 0x30-0x39, 'a'-'f' = 0x61-0x66.
            var c = (uint)hex[i];
            value = (value << 4) | (c <= '9' ? c - '0' : c - ('a' - 10));
        }

        return value;
#endif
    }
}

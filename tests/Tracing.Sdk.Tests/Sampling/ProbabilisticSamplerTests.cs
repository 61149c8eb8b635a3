using System.Diagnostics;
using System.Numerics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class ProbabilisticSamplerTests
{
    private const int StatisticalSampleSize = 200_000;

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(1.0)]
    [InlineData(0.123456789)]
    public void Jaeger_DecidesExactlyAsJaegerClients_On100000Ids(double rate)
    {
        // Jaeger clients: sampled when (low 64 bits & (2^63 - 1)) <= rate x 2^63. Evaluated here in exact
        // integer arithmetic: rate x 2^63 only shifts the double's exponent, so the product is exact.
        var boundary = new BigInteger(rate * 9223372036854775808.0);
        var sampler = new ProbabilisticSampler(rate, TraceIdBits.Jaeger);
        var random = new Random(42);
        for (var i = 0; i < 100_000; i++)
        {
            var id = i % 2 == 0 ? Random128(random) : ZeroPadded64(random);
            var expected = new BigInteger(Low(id) & long.MaxValue) <= boundary;
            Assert.Equal(expected, sampler.IsSampled(id));
        }
    }

    [Fact]
    public void Jaeger_IgnoresTheTopBitOfTheLowHalf_AndIncludesTheBoundary()
    {
        var sampler = new ProbabilisticSampler(0.5, TraceIdBits.Jaeger);
        const ulong boundary = 1UL << 62; // 0.5 x 2^63

        Assert.True(sampler.IsSampled(TraceId(7, boundary)));
        Assert.True(sampler.IsSampled(TraceId(7, boundary | 1UL << 63))); // top bit masked away
        Assert.False(sampler.IsSampled(TraceId(7, boundary + 1)));
        Assert.False(sampler.IsSampled(TraceId(7, (boundary + 1) | 1UL << 63)));
    }

    [Theory]
    [InlineData(0.01, 0xFD70A3D70A3D71UL)] // spec example: (1 - 0.01) x 2^56 = fd70a3d70a3d71 at full precision
    [InlineData(0.5, 0x80000000000000UL)]
    [InlineData(0.25, 0xC0000000000000UL)]
    [InlineData(1.0, 0UL)]
    [InlineData(0.0, 0x100000000000000UL)] // 2^56: no 56-bit value reaches it
    public void W3c_ThresholdIsTheSpecificationsRejectionThreshold(double probability, ulong threshold)
    {
        Assert.Equal(threshold, ProbabilisticSampler.W3cThreshold(probability));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void W3c_SamplesWhenTheRightmost56BitsReachTheThreshold(double probability)
    {
        var threshold = ProbabilisticSampler.W3cThreshold(probability);
        var sampler = new ProbabilisticSampler(probability, TraceIdBits.W3c);
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var id = Random128(random);
            Assert.Equal((Low(id) & 0x00FF_FFFF_FFFF_FFFF) >= threshold, sampler.IsSampled(id));
        }

        // The byte left of the 56 random bits plays no part.
        Assert.True(sampler.IsSampled(TraceId(1, threshold)));
        Assert.True(sampler.IsSampled(TraceId(1, threshold | 0xFF00_0000_0000_0000)));
        Assert.False(sampler.IsSampled(TraceId(1, threshold - 1)));
        Assert.False(sampler.IsSampled(TraceId(1, (threshold - 1) | 0xFF00_0000_0000_0000)));
    }

    public static TheoryData<double, string, string> StatisticalCases()
    {
        var data = new TheoryData<double, string, string>();
        foreach (var probability in new[] { 0.001, 0.1, 0.5 })
        {
            foreach (var bits in new[] { "w3c", "jaeger" })
            {
                data.Add(probability, bits, "random128");
                data.Add(probability, bits, "zeropadded64");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatisticalCases))]
    public void ObservedRate_IsWithinFourSigmaOfTheProbability(double probability, string bits, string ids)
    {
        var sampler = new ProbabilisticSampler(probability, SamplerTypes.ParseIdBits(bits));
        var random = new Random((int)(probability * 1_000_000) + (bits.Length * 7919) + ids.Length); // fixed per case: reproducible
        var sampled = 0;
        for (var i = 0; i < StatisticalSampleSize; i++)
        {
            var id = ids == "random128" ? Random128(random) : ZeroPadded64(random);
            if (sampler.ShouldSample(Root(id)).IsSampled())
            {
                sampled++;
            }
        }

        var expected = StatisticalSampleSize * probability;
        var sigma = Math.Sqrt(StatisticalSampleSize * probability * (1 - probability));
        Assert.InRange(sampled, expected - (4 * sigma), expected + (4 * sigma));
    }

    [Fact]
    public void ZeroPadded64BitIds_AreSampledAtTheRate_WhereOpenTelemetrysRatioSamplerKeepsThemAll()
    {
        // Why the low half matters: TraceIdRatioBasedSampler reads the first 8 bytes, all zero here.
        var ours = new ProbabilisticSampler(0.1, TraceIdBits.W3c);
        var openTelemetry = new TraceIdRatioBasedSampler(0.1);
        var random = new Random(3);
        int oursSampled = 0, theirsSampled = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var parameters = Root(ZeroPadded64(random));
            oursSampled += ours.ShouldSample(parameters).IsSampled() ? 1 : 0;
            theirsSampled += openTelemetry.ShouldSample(parameters).IsSampled() ? 1 : 0;
        }

        Assert.Equal(10_000, theirsSampled);
        Assert.InRange(oursSampled, 1000 - 120, 1000 + 120); // 4 sigma = 4 x 30
    }

    [Theory]
    [InlineData("w3c")]
    [InlineData("jaeger")]
    public void Decisions_AreConsistentAcrossProbabilities(string bits)
    {
        // A trace kept at p is kept at every p' >= p, so services at different rates keep nested sets.
        var idBits = SamplerTypes.ParseIdBits(bits);
        var samplers = new[] { 0.0, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0 }.Select(p => new ProbabilisticSampler(p, idBits)).ToArray();
        var random = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var id = Random128(random);
            var decisions = samplers.Select(s => s.IsSampled(id)).ToArray();
            for (var k = 1; k < decisions.Length; k++)
            {
                Assert.True(!decisions[k - 1] || decisions[k]);
            }
        }
    }

    [Theory]
    [InlineData("w3c")]
    [InlineData("jaeger")]
    public void ZeroAndOne_AreNeverAndAlways(string bits)
    {
        var never = new ProbabilisticSampler(0, SamplerTypes.ParseIdBits(bits));
        var always = new ProbabilisticSampler(1, SamplerTypes.ParseIdBits(bits));

        foreach (var low in new[] { 0UL, 1UL, ulong.MaxValue, 1UL << 63, (1UL << 63) - 1 })
        {
            Assert.False(never.IsSampled(TraceId(5, low)));
            Assert.True(always.IsSampled(TraceId(5, low)));
        }
    }

    [Fact]
    public void SameTraceId_GetsTheSameDecision_FromIndependentSamplers()
    {
        var first = new ProbabilisticSampler(0.3, TraceIdBits.W3c);
        var second = new ProbabilisticSampler(0.3, TraceIdBits.W3c);
        var random = new Random(5);
        for (var i = 0; i < 10_000; i++)
        {
            var parameters = Root(Random128(random));
            Assert.Equal(first.ShouldSample(parameters).Decision, second.ShouldSample(parameters).Decision);
        }
    }

    [Fact]
    public void SampledRoots_CarryTypeAndProbability()
    {
        var sampler = new ProbabilisticSampler(1, TraceIdBits.W3c);

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));

        Assert.Equal("probabilistic", result.Tag("sampler.type"));
        Assert.Equal(1.0, result.Tag("sampler.param"));
    }

    [Fact]
    public void LowBits_ReadsTheRightmost16HexDigits()
    {
        var id = ActivityTraceId.CreateFromString("0123456789abcdeffedcba9876543210".AsSpan());

        Assert.Equal(0xfedcba9876543210UL, ProbabilisticSampler.LowBits(id));
        Assert.Equal(0UL, ProbabilisticSampler.LowBits(default));
    }

    [Theory]
    [InlineData("w3c")]
    [InlineData("jaeger")]
    public void ShouldSample_AllocatesNothing(string bits)
    {
        var sampler = new ProbabilisticSampler(0.5, SamplerTypes.ParseIdBits(bits));
        var sampled = Root(TraceId(1, ulong.MaxValue >> 1));
        var dropped = Root(TraceId(1, 1));

        Assert.Equal(0, AllocatedBytes(() =>
        {
            sampler.ShouldSample(sampled);
            sampler.ShouldSample(dropped);
        }));
    }
}

using System.Diagnostics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class ConstSamplerTests
{
    [Fact]
    public void One_SamplesEveryRoot_TaggedConstTrue()
    {
        var sampler = new ConstSampler(sample: true);

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));

        Assert.Equal(SamplingDecision.RecordAndSample, result.Decision);
        Assert.Equal("const", result.Tag("sampler.type"));
        Assert.Equal(true, result.Tag("sampler.param"));
    }

    [Fact]
    public void Zero_DropsEveryRoot()
    {
        var sampler = new ConstSampler(sample: false);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).Decision);
        }
    }

    [Fact]
    public void ShouldSample_AllocatesNothing()
    {
        var sampler = new ConstSampler(sample: true);
        var parameters = Root(ActivityTraceId.CreateRandom());

        Assert.Equal(0, AllocatedBytes(() => sampler.ShouldSample(parameters)));
    }
}

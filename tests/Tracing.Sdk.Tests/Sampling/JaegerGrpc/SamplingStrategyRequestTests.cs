using System.Buffers.Binary;
using Tracing.Sdk.Sampling.JaegerGrpc;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc.Proto;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>The framed <c>SamplingStrategyParameters</c> request, parsed by Google.Protobuf.</summary>
public sealed class SamplingStrategyRequestTests
{
    [Theory]
    [InlineData("checkout")]
    [InlineData("orders api/v2 ✓")]
    [InlineData("")]
    public void Framed_IsOneUncompressedFrame_OfAMessageGoogleProtobufParses(string serviceName)
    {
        var framed = SamplingStrategyRequest.Framed(serviceName);

        Assert.Equal(0, framed[0]); // not compressed
        Assert.Equal((uint)(framed.Length - 5), BinaryPrimitives.ReadUInt32BigEndian(framed.AsSpan(1, 4)));
        Assert.Equal(serviceName, SamplingStrategyParameters.Parser.ParseFrom(framed[5..]).ServiceName);
    }

    [Fact]
    public void LoneSurrogate_IsSentAsTheReplacementCharacter()
    {
        // proto3 strings must be valid UTF-8: a broken name is repaired, never sent broken.
        var framed = SamplingStrategyRequest.Framed("svc\uD800");

        Assert.Equal("svc\uFFFD", SamplingStrategyParameters.Parser.ParseFrom(framed[5..]).ServiceName);
    }
}

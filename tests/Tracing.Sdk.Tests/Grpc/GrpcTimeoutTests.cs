using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("99999999n", 999_999L)]
    public void Timeout_IsReadInItsUnit(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(TimeSpan.FromTicks(ticks), timeout);
    }

    [Theory]
    [InlineData("")] // empty
    [InlineData("m")] // no digits
    [InlineData("100")] // no unit
    [InlineData("100x")] // unknown unit
    [InlineData("123456789m")] // more than eight digits
    [InlineData("-5m")] // signed
    public void MalformedTimeout_IsIgnored(string header) => Assert.False(GrpcTimeout.TryParse(header, out _));
}

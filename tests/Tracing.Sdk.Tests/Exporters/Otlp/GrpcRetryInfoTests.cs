using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Tracing.Sdk.Exporters.Otlp;
using Tracing.Sdk.Tests.Support.Otlp;
using Tracing.Sdk.Tests.Support.Otlp.Rpc;

namespace Tracing.Sdk.Tests.Exporters.Otlp;

/// <summary>Reading the delay a throttling collector asks for from <c>grpc-status-details-bin</c>; hostile input is no delay, never an exception.</summary>
public sealed class GrpcRetryInfoTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1500, 1500)]
    [InlineData(30_000, 30_000)]
    public void RetryInfo_GivesItsDelay_WithOrWithoutBase64Padding(int milliseconds, int expected)
    {
        var unpadded = GrpcStatusDetails.WithRetryInfo(8, TimeSpan.FromMilliseconds(milliseconds));
        var padded = unpadded.PadRight((unpadded.Length + 3) / 4 * 4, '=');

        Assert.Equal(TimeSpan.FromMilliseconds(expected), GrpcRetryInfo.TryGetRetryDelay(unpadded));
        Assert.Equal(TimeSpan.FromMilliseconds(expected), GrpcRetryInfo.TryGetRetryDelay(padded));
    }

    [Fact]
    public void RetryInfo_AfterOtherDetails_IsFound()
    {
        var status = new Status { Code = 14, Message = "busy" };
        status.Details.Add(Any.Pack(new StringValue { Value = "not a retry info" }));
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) }));

        Assert.Equal(TimeSpan.FromSeconds(2), GrpcRetryInfo.TryGetRetryDelay(GrpcStatusDetails.Encode(status)));
    }

    [Fact]
    public void StatusWithoutRetryInfo_IsNoDelay()
    {
        var status = new Status { Code = 8, Message = "quota" };
        status.Details.Add(Any.Pack(new StringValue { Value = "x" }));

        Assert.Null(GrpcRetryInfo.TryGetRetryDelay(GrpcStatusDetails.Encode(status)));
    }

    [Fact]
    public void NegativeDelay_IsNoDelay()
    {
        // Duration allows negative values; a wait cannot be negative.
        var status = new Status { Code = 8 };
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = new Duration { Seconds = -5 } }));

        Assert.Null(GrpcRetryInfo.TryGetRetryDelay(GrpcStatusDetails.Encode(status)));
    }

    [Fact]
    public void AbsurdDelay_IsNoDelay()
    {
        var status = new Status { Code = 8 };
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = new Duration { Seconds = 10_000_000_000 } }));

        Assert.Null(GrpcRetryInfo.TryGetRetryDelay(GrpcStatusDetails.Encode(status)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("!!!not base64!!!")]
    [InlineData("CAgaAw")]          // Status{code=8} then details field (3) claiming 3 bytes that are not there
    [InlineData("CP////////////8B")] // a varint longer than 64 bits
    [InlineData("Gg")]              // a details key with no length at all
    [InlineData("Cw")]              // a field with the deprecated group wire type
    public void MalformedDetails_AreNoDelay_AndNeverThrow(string? header)
    {
        Assert.Null(GrpcRetryInfo.TryGetRetryDelay(header));
    }

    [Fact]
    public void OversizedHeader_IsNotDecoded()
    {
        var big = new Status { Code = 8, Message = new string('x', 20_000) };
        big.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) }));

        Assert.Null(GrpcRetryInfo.TryGetRetryDelay(Convert.ToBase64String(big.ToByteArray())));
    }
}

using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Http;

/// <summary>
/// The OTLP exporter sends spans with HttpClient (gRPC and HTTP/protobuf alike); those calls must not
/// become spans themselves, or every export would cause another one.
/// </summary>
public sealed class OtlpFeedbackTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Exporting_CreatesNoHttpClientSpan(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var host = await TracedClientHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Tracing:Otlp:Protocol"] = protocol,
            ["Tracing:Otlp:Endpoint"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
        });

        // Several export rounds.
        for (var round = 0; round < 3; round++)
        {
            string spanId;
            using (var work = host.StartParent($"round-{round}"))
            {
                spanId = work.SpanId.ToHexString();
            }

            var arrived = await receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == spanId));
            Assert.Contains(arrived, s => s.SpanId == spanId);
        }

        Assert.True(receiver.ExportRequests >= 3);
        var exporterPort = (long)new Uri(protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint).Port;
        Assert.DoesNotContain(receiver.Spans, s => s.ScopeName == "System.Net.Http" && Equals(s.Attribute("server.port"), exporterPort));
    }
}

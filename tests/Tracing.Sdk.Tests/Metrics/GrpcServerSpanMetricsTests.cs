using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>gRPC server spans in span metrics, unsampled, between a real @grpc/grpc-js client and a real Grpc.AspNetCore service: named by method, with the gRPC status.</summary>
[Collection(SamplingIsolation.Name)]
public sealed class GrpcServerSpanMetricsTests
{
    [Fact]
    public async Task UnsampledGrpcCalls_AreCountedByMethodAndStatus()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "grpc-metrics-" + Guid.NewGuid().ToString("N")[..8],
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Sampler:Type"] = "const",
            ["Tracing:Sampler:Param"] = "0",
            ["Tracing:Metrics:Enabled"] = "true",
            ["Tracing:Metrics:Exporters:0"] = "none",
        };
        await using var app = await TracingHost.StartWebAsync(
            settings,
            app => app.MapGrpcService<GreeterService>(),
            builder =>
            {
                builder.Services.AddGrpc();
                builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
            });
        await using (var client = await NodePeer.StartAsync("grpc-server-client/client.js", new Uri(app.BaseAddress()).Authority))
        {
            await GrpcServerTests.CallAsync(client, "unary", "unary alice");
            await GrpcServerTests.CallAsync(client, "fail", "fail carol");
            await GrpcServerTests.CallAsync(client, "reject", "reject dave");
        }

        var calls = await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_SERVER", 3);

        // rpc.grpc.status_code instead of an HTTP code; INTERNAL is the server's error, INVALID_ARGUMENT the caller's.
        Assert.Equal(1, calls["SPAN_KIND_SERVER|tracing.test.Greeter/SayHello|STATUS_CODE_UNSET|0"]);
        Assert.Equal(1, calls["SPAN_KIND_SERVER|tracing.test.Greeter/Fail|STATUS_CODE_ERROR|13"]);
        Assert.Equal(1, calls["SPAN_KIND_SERVER|tracing.test.Greeter/Reject|STATUS_CODE_UNSET|3"]);
        Assert.Equal(3, calls.Count);
    }
}

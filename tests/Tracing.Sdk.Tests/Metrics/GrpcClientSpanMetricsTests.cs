using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>
/// gRPC client spans in span metrics, unsampled: Grpc.Net.Client's own Activity, with no SDK wiring on the
/// channel, is counted by method and status like the trace would show it (a real Grpc.AspNetCore service).
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class GrpcClientSpanMetricsTests
{
    [Fact]
    public async Task UnsampledGrpcNetClientCalls_AreCountedByMethodAndStatus()
    {
        using var caller = new ActivitySource("Tests.GrpcClientMetrics." + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "grpc-client-metrics-" + Guid.NewGuid().ToString("N")[..8],
            ["Tracing:Sources:0"] = caller.Name,
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

        using var channel = GrpcChannel.ForAddress(app.BaseAddress());
        var greeter = new Greeter.GreeterClient(channel);

        // Under a span of the host's own source, so that the calls are this host's in a shared test process.
        using (caller.StartActivity("caller"))
        {
            Assert.Equal("Hello ann", (await greeter.SayHelloAsync(new HelloRequest { Name = "ann" })).Message);
            var failed = await Assert.ThrowsAsync<RpcException>(() => greeter.FailAsync(new HelloRequest { Name = "bo" }).ResponseAsync);
            Assert.Equal(StatusCode.Internal, failed.StatusCode);
        }

        var calls = await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_CLIENT", 2);
        Assert.Equal(1, calls["SPAN_KIND_CLIENT|tracing.test.Greeter/SayHello|STATUS_CODE_UNSET|0"]);
        Assert.Equal(1, calls["SPAN_KIND_CLIENT|tracing.test.Greeter/Fail|STATUS_CODE_ERROR|13"]);
        Assert.Equal(2, calls.Keys.Count(k => k.StartsWith("SPAN_KIND_CLIENT|", StringComparison.Ordinal)));
    }
}

using System.Diagnostics;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>The resource on exported spans: service, host, process, deployment and SDK identity, merged with configuration.</summary>
public sealed class ResourceTests
{
    [Fact]
    public async Task ExportedSpans_CarryTheDocumentedResource()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Resource.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(
            new Dictionary<string, string?>
            {
                ["Tracing:ServiceName"] = "orders",
                ["Tracing:ServiceVersion"] = "1.4.2",
                ["Tracing:ResourceAttributes:team"] = "checkout",
                ["Tracing:Sources:0"] = sourceName,
                ["Tracing:Exporters:0"] = "otlp",
                ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
            },
            new Dictionary<string, string> { ["OTEL_RESOURCE_ATTRIBUTES"] = "team=payments,region=eu" });
        await host.StartAsync();
        using (new ActivitySource(sourceName).StartActivity("op"))
        {
        }

        await host.StopAsync();

        var resource = Assert.Single(receiver.Spans, s => s.ScopeName == sourceName).Resource;
        Assert.Equal("orders", resource["service.name"]);
        Assert.Equal("1.4.2", resource["service.version"]);
        Assert.True(Guid.TryParse(resource["service.instance.id"] as string, out _));
        Assert.Equal(Environment.MachineName, resource["host.name"]);
        Assert.Equal((long)Environment.ProcessId, resource["process.pid"]);
        Assert.Equal("Production", resource["deployment.environment.name"]);
        Assert.Equal("opentelemetry", resource["telemetry.sdk.name"]);
        Assert.Equal("dotnet", resource["telemetry.sdk.language"]);
        Assert.NotNull(resource["telemetry.sdk.version"]);
        Assert.Equal("Tracing.Sdk", resource["telemetry.distro.name"]);
        Assert.False(string.IsNullOrEmpty(resource["telemetry.distro.version"] as string));
        Assert.Equal("checkout", resource["team"]);
        Assert.Equal("eu", resource["region"]);
    }

    [Fact]
    public async Task ServiceInstanceId_IsStableForTheProcess()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Instance.{Guid.NewGuid():N}";
        for (var run = 0; run < 2; run++)
        {
            using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
            {
                ["Tracing:Sources:0"] = sourceName,
                ["Tracing:Exporters:0"] = "otlp",
                ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
            });
            await host.StartAsync();
            using (new ActivitySource(sourceName).StartActivity("op"))
            {
            }

            await host.StopAsync();
        }

        var spans = receiver.Spans.Where(s => s.ScopeName == sourceName).ToList();
        Assert.Equal(2, spans.Count);
        Assert.Single(spans.Select(s => s.Resource["service.instance.id"]).Distinct());
    }
}

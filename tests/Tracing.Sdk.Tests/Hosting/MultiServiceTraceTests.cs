using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>
/// Two real services on Kestrel (front -> back), each with AddTracing, in one process: one trace
/// arrives complete at a live OTLP receiver, each span exported once, by its own service.
/// </summary>
[Collection(Tracing.Sdk.Tests.AspNetCore.SamplingIsolation.Name)] // which host samples and exports a span depends on the hosts running
public sealed class MultiServiceTraceTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task CallAcrossTwoServices_IsOneCompleteTraceAtTheReceiver(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var back = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, "back", protocol),
            app => app.MapGet("/stock", () => "42"));
        await using var front = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, "front", protocol),
            app => app.MapGet("/checkout", async (IHttpClientFactory clients) =>
            {
                var stock = await clients.CreateClient("back").GetStringAsync("/stock");
                return $"{Activity.Current!.TraceId.ToHexString()} {stock}";
            }),
            builder => builder.Services.AddHttpClient("back", c => c.BaseAddress = new Uri(back.BaseAddress())));

        using var client = new HttpClient { BaseAddress = new Uri(front.BaseAddress()) };
        var traceId = (await client.GetStringAsync("/checkout")).Split(' ')[0];
        await front.StopAsync();
        await back.StopAsync();

        // The test's own HttpClient span (the root, under no request) belongs to neither service.
        var spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
        Assert.Equal(3, spans.Count);
        var frontServer = Assert.Single(spans, s => s.ServiceName == "front" && s.Kind == ActivityKind.Server);
        var frontClient = Assert.Single(spans, s => s.ServiceName == "front" && s.Kind == ActivityKind.Client);
        var backServer = Assert.Single(spans, s => s.ServiceName == "back" && s.Kind == ActivityKind.Server);
        Assert.DoesNotContain(spans, s => s.SpanId == frontServer.ParentSpanId); // its parent is the test client's span
        Assert.Equal(frontServer.SpanId, frontClient.ParentSpanId);
        Assert.Equal(frontClient.SpanId, backServer.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(protocol, s.Protocol));
    }

    [Fact]
    public async Task HostsInOneProcess_ExportOnlyTheirOwnRequests()
    {
        await using var receiverA = await OtlpReceiver.StartAsync();
        await using var receiverB = await OtlpReceiver.StartAsync();
        await using var a = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiverA, "a"),
            app => app.MapGet("/id", () => Activity.Current!.TraceId.ToHexString()));
        await using var b = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiverB, "b"),
            app => app.MapGet("/id", () => Activity.Current!.TraceId.ToHexString()));

        using var client = new HttpClient();
        var traceA = await client.GetStringAsync(a.BaseAddress() + "/id");
        var traceB = await client.GetStringAsync(b.BaseAddress() + "/id");
        await a.StopAsync();
        await b.StopAsync();

        Assert.Single(receiverA.Spans, s => s.TraceId == traceA && s.Kind == ActivityKind.Server);
        Assert.DoesNotContain(receiverA.Spans, s => s.TraceId == traceB && s.Kind == ActivityKind.Server);
        Assert.Single(receiverB.Spans, s => s.TraceId == traceB && s.Kind == ActivityKind.Server);
        Assert.DoesNotContain(receiverB.Spans, s => s.TraceId == traceA && s.Kind == ActivityKind.Server);

        // The test's own client spans belong to no request and no host's source: exported by neither.
        Assert.DoesNotContain(receiverA.Spans.Concat(receiverB.Spans), s => s.Kind == ActivityKind.Client && (s.TraceId == traceA || s.TraceId == traceB));
        Assert.All(receiverA.Spans, s => Assert.Equal("a", s.ServiceName));
        Assert.All(receiverB.Spans, s => Assert.Equal("b", s.ServiceName));
    }

    [Fact]
    public async Task HostsInOneProcess_EachSamplesOnlyItsOwnRequests()
    {
        // .NET keeps an Activity if any listener samples it: without host scoping, "always on" b would
        // force a's requests (and their children) to be recorded despite a's "always off".
        await using var receiverA = await OtlpReceiver.StartAsync();
        await using var receiverB = await OtlpReceiver.StartAsync();
        var settingsA = TracingHost.OtlpSettings(receiverA, "a");
        settingsA["Tracing:Sampler:Param"] = "0";
        await using var back = await TracingHost.StartWebAsync(TracingHost.OtlpSettings(receiverB, "back"), app => app.MapGet("/", () => "ok"));
        await using var a = await TracingHost.StartWebAsync(
            settingsA,
            app => app.MapGet("/recorded", async (IHttpClientFactory clients) =>
            {
                var server = Activity.Current!;
                await clients.CreateClient("back").GetStringAsync("/");
                return $"{server.Recorded} {server.TraceId.ToHexString()}";
            }),
            builder => builder.Services.AddHttpClient("back", c => c.BaseAddress = new Uri(back.BaseAddress())));
        await using var b = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiverB, "b"),
            app => app.MapGet("/recorded", () => $"{Activity.Current!.Recorded} {Activity.Current!.TraceId.ToHexString()}"));

        using var client = new HttpClient();
        string[] answerA, answerB;
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
        {
            answerA = (await client.GetStringAsync(a.BaseAddress() + "/recorded")).Split(' ');
            answerB = (await client.GetStringAsync(b.BaseAddress() + "/recorded")).Split(' ');
        }

        await a.StopAsync();
        await b.StopAsync();
        await back.StopAsync();

        Assert.Equal("False", answerA[0]);
        Assert.Equal("True", answerB[0]);
        Assert.DoesNotContain(receiverA.Spans, s => s.TraceId == answerA[1]);
        // a's call to back carries a's "not sampled" flag: back (parent-based) drops it too.
        Assert.DoesNotContain(receiverB.Spans, s => s.TraceId == answerA[1]);
        Assert.Single(receiverB.Spans, s => s.TraceId == answerB[1] && s.ServiceName == "b");
    }

    [Fact]
    public async Task RequestsOfAWebHostWithoutTracing_AreNotExported()
    {
        // An embedded web server without AddTracing in the same process (like this test's OTLP receiver).
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Worker.{Guid.NewGuid():N}";
        using var worker = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
        });
        await worker.StartAsync();
        await using var plain = await StartPlainWebAsync();

        using var client = new HttpClient();
        await client.GetStringAsync(plain.BaseAddress() + "/plain");
        using (new ActivitySource(sourceName).StartActivity("mine"))
        {
        }

        await worker.StopAsync();

        Assert.Single(receiver.Spans, s => s.Name == "mine");
        Assert.DoesNotContain(receiver.Spans, s => s.ScopeName == "Microsoft.AspNetCore");
    }

    private static async Task<WebApplication> StartPlainWebAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/plain", () => "plain");
        await app.StartAsync();
        return app;
    }
}

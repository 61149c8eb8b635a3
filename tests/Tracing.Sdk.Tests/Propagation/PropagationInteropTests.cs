using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// Interop with the OpenTelemetry JS SDK and its own propagators from npm (tests/peers/otel), both
/// ways, for each format: the trace id is preserved, the parent is the caller's span, the sampled
/// flag and baggage survive. The .NET side runs on Kestrel with an IHttpClientFactory client.
/// Unsampled callers are in <see cref="UnsampledPropagationInteropTests"/>: every tracer provider in
/// the process samples the shared <c>System.Net.Http</c> and <c>Microsoft.AspNetCore</c> sources, so
/// "not sampled" can only be observed while no other test's provider runs.
/// </summary>
// On .NET 8, IHttpClientFactory's primary handler (Microsoft.Extensions.Http 8: HttpClientHandler) injects with the
// process-wide propagator, which is whichever host set it last: run alone, or another test's host decides the format.
[Collection(GlobalPropagationState.Name)]
public sealed class PropagationInteropTests
{
    public static TheoryData<string> Formats { get; } = new() { "tracecontext", "b3", "b3multi", "jaeger" };

    [Theory]
    [MemberData(nameof(Formats))]
    public Task NodeToDotNet_ContinuesTheNodeTrace_Sampled(string format) => NodeToDotNetAsync(format, sampled: true);

    [Theory]
    [MemberData(nameof(Formats))]
    public Task DotNetToNode_TheNodeServiceContinuesTheDotNetTrace_Sampled(string format) => DotNetToNodeAsync(format, sampled: true);

    internal static async Task NodeToDotNetAsync(string format, bool sampled)
    {
        await using var app = await PropagationWiringTests.StartAppAsync(DotNetPropagators(format));
        await using var node = await NodePeer.StartAsync("otel/propagation-peer.js", format);
        var id = Guid.NewGuid().ToString("N");

        await node.SendAsync(JsonSerializer.Serialize(new { call = app.BaseAddress() + "/whoami", id, sampled, baggage = new Dictionary<string, string> { ["tenant"] = "t 1" } }));
        using var called = JsonDocument.Parse(await node.WaitForLineAsync(l => l.Contains("\"called\"", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal)));

        var root = called.RootElement;
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        var seen = JsonSerializer.Deserialize<PropagationWiringTests.Seen>(root.GetProperty("body").GetString()!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(root.GetProperty("traceId").GetString(), seen.TraceId);
        Assert.Equal(root.GetProperty("spanId").GetString(), seen.ParentSpanId);
        Assert.Equal(sampled, root.GetProperty("sampled").GetBoolean());
        Assert.Equal(sampled, seen.Recorded);
        Assert.Equal("t 1", seen.Baggage["tenant"]);
    }

    internal static async Task DotNetToNodeAsync(string format, bool sampled)
    {
        var ended = new ConcurrentQueue<Activity>();
        await using var node = await NodePeer.StartAsync("otel/propagation-peer.js", format);
        await using var app = await PropagationWiringTests.StartAppAsync(DotNetPropagators(format), builder =>
        {
            builder.Configuration["Tracing:Sampler:Type"] = "const";
            builder.Configuration["Tracing:Sampler:Param"] = sampled ? "1" : "0";
            builder.Services.AddTracing(o => o.ConfigureProvider = b => b.AddProcessor(new CapturingProcessor(ended)));
            builder.Services.AddHttpClient("node");
        }, app => app.MapGet("/call", async Task<IResult> (IHttpClientFactory factory, string target, string id) =>
        {
            Activity.Current?.AddBaggage("user", "alice");
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Add("x-test-id", id);
            using var response = await factory.CreateClient("node").SendAsync(request);
            return Results.Json(new
            {
                serverTraceId = Activity.Current!.TraceId.ToHexString(),
                serverSpanId = Activity.Current.SpanId.ToHexString(),
                node = await response.Content.ReadAsStringAsync(),
            });
        }));
        var id = Guid.NewGuid().ToString("N");

        var json = await PropagationWiringTests.PlainClient.GetStringAsync(
            $"{app.BaseAddress()}/call?target={Uri.EscapeDataString($"http://127.0.0.1:{node.Port}/work")}&id={id}");

        using var result = JsonDocument.Parse(json);
        using var received = JsonDocument.Parse(result.RootElement.GetProperty("node").GetString()!);
        var report = received.RootElement;
        var serverTraceId = result.RootElement.GetProperty("serverTraceId").GetString();
        var serverSpanId = result.RootElement.GetProperty("serverSpanId").GetString();
        Assert.Equal(serverTraceId, report.GetProperty("traceId").GetString());
        Assert.Equal(serverTraceId, report.GetProperty("serverSpanTraceId").GetString());
        Assert.Equal(sampled, report.GetProperty("sampled").GetBoolean());
        Assert.Equal("alice", report.GetProperty("baggage").GetProperty("user").GetString());
        var parentSpanId = report.GetProperty("parentSpanId").GetString();
        Assert.Matches("^[0-9a-f]{16}$", parentSpanId);

        // Exactly the configured format's headers, each once: no traceparent beside b3, none twice.
        var headerNames = report.GetProperty("rawHeaderNames").EnumerateArray().Select(h => h.GetString()!).ToList();
        Assert.Equal(headerNames.Count, headerNames.Distinct().Count());
        Assert.Equal(format == "tracecontext", headerNames.Contains("traceparent"));
        Assert.Equal(format == "b3", headerNames.Contains("b3"));
        Assert.Equal(format == "b3multi", headerNames.Contains("x-b3-traceid"));
        Assert.Equal(format == "jaeger", headerNames.Contains("uber-trace-id"));
        if (sampled)
        {
            // The parent Node saw is .NET's HttpClient span, itself the child of the server span.
            var client = await WaitForAsync(ended, a => a.SpanId.ToHexString() == parentSpanId);
            Assert.Equal(ActivityKind.Client, client.Kind);
            Assert.Equal("System.Net.Http", client.Source.Name);
            Assert.Equal(serverSpanId, client.ParentSpanId.ToHexString());
        }
    }

    /// <summary>The .NET configuration matching the Node peer's propagators (Jaeger carries its own baggage).</summary>
    private static string[] DotNetPropagators(string format) => format == "jaeger" ? ["jaeger"] : [format, "baggage"];

    private static async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> ended, Func<Activity, bool> match)
    {
        // The client span ends when its response is read; the server span (and our response) follows it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = ended.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the client span never ended");
            await Task.Delay(20);
        }
    }

    private sealed class CapturingProcessor(ConcurrentQueue<Activity> ended) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => ended.Enqueue(data);
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Sampling;
using Tracing.Sdk.Tests.Support;
using Xunit.Abstractions;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// B3 "defer" through real Kestrel on 127.0.0.1: callers send trace and span ids (64- or 128-bit) with
/// no sampling state, single (<c>b3: {trace}-{span}</c>) or multi header (no <c>X-B3-Sampled</c> /
/// <c>X-B3-Flags</c>), and the service's own policy decides — parent-based or not — while the caller's
/// ids are continued. Callers are .NET's HttpClient with hand-written headers and the OpenTelemetry JS
/// B3 propagator (tests/peers/otel). Ids come from fixed seeds, so every decision is known in advance.
/// Run alone: a sampling decision is the assertion (see <see cref="SamplingIsolation"/>).
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class B3DeferEndToEndTests(ITestOutputHelper output)
{
    private const double Probability = 0.1;

    public static TheoryData<string, string, string, bool> Policies
    {
        get
        {
            var data = new TheoryData<string, string, string, bool>();
            foreach (var format in new[] { "b3", "b3multi" })
            {
                foreach (var (type, param) in new[] { ("const", "1"), ("const", "0"), ("probabilistic", "0.1"), ("ratelimiting", "5") })
                {
                    data.Add(format, type, param, true);
                    data.Add(format, type, param, false);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task DeferredCallers_AreDecidedByThePolicy_AndTheirIdsContinued(string format, string type, string param, bool parentBased)
    {
        var time = new FakeTimeProvider();
        await using var service = await DeferService.StartAsync(format, type, param, parentBased, time);
        var random = new Random(format == "b3" ? 2024 : 2025);
        var requests = type == "probabilistic" ? 3000 : 20;

        var decisions = new List<(ActivityTraceId TraceId, bool Recorded)>();
        for (var i = 0; i < requests; i++)
        {
            var (traceId, recorded) = await service.SendDeferredAsync(format, random);
            decisions.Add((traceId, recorded));
        }

        var traced = decisions.Count(d => d.Recorded);
        switch (type, param)
        {
            case ("const", "1"):
                Assert.Equal(requests, traced);
                break;
            case ("const", "0"):
                Assert.Equal(0, traced);
                break;
            case ("probabilistic", _):
                // Each decision is the policy's for that trace id (not the caller's unset flag) ...
                var policy = new ProbabilisticSampler(Probability, TraceIdBits.W3c);
                Assert.All(decisions, d => Assert.Equal(policy.IsSampled(d.TraceId), d.Recorded));

                // ... so about 10% are traced: the seeded ids give a fixed count, and 300 ± 66 is four
                // standard deviations of 3000 draws at p = 0.1, so any seed would pass.
                output.WriteLine($"{format}, parentBased={parentBased}: {traced} of {requests} traced ({100.0 * traced / requests:F1}%)");
                Assert.InRange(traced, 234, 366);
                break;
            case ("ratelimiting", _):
                // The bucket starts full (5) and the clock stands still: the first five, then nothing;
                // one second later five more.
                Assert.Equal(Enumerable.Range(0, requests).Select(i => i < 5), decisions.Select(d => d.Recorded));
                time.Advance(TimeSpan.FromSeconds(1));
                for (var i = 0; i < 10; i++)
                {
                    decisions.Add(await service.SendDeferredAsync(format, random));
                }

                Assert.Equal(5, decisions.Skip(requests).Count(d => d.Recorded));
                break;
        }

        // What was traced was exported, nothing else, and without the SDK's internal mark.
        var tracedIds = decisions.Where(d => d.Recorded).Select(d => d.TraceId).ToHashSet();
        var exported = await service.WaitForServerSpansAsync(tracedIds.Count);
        Assert.Equal(tracedIds, exported.Select(span => span.TraceId).ToHashSet());
        Assert.All(exported, span => Assert.True(string.IsNullOrEmpty(span.TraceStateString)));
    }

    [Theory]
    [InlineData("b3", "-0", "const", "1", false)] // deny is a decision: parent-based, it wins over an always-on policy
    [InlineData("b3", "-1", "const", "0", true)] // accept is a decision: it wins over an always-off policy
    [InlineData("b3multi", "0", "const", "1", false)]
    [InlineData("b3multi", "1", "const", "0", true)]
    public async Task CallersWithADecision_AreStillFollowed_WhenParentBased(string format, string state, string type, string param, bool traced)
    {
        await using var service = await DeferService.StartAsync(format, type, param, parentBased: true, new FakeTimeProvider());
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, service.Url("/deferred"));
        if (format == "b3")
        {
            request.Headers.Add("b3", $"{traceId}-{spanId}{state}");
        }
        else
        {
            request.Headers.Add("X-B3-TraceId", traceId);
            request.Headers.Add("X-B3-SpanId", spanId);
            request.Headers.Add("X-B3-Sampled", state);
        }

        var seen = await DeferService.ReadAsync(request);

        Assert.Equal(traceId, seen.TraceId);
        Assert.Equal(traced, seen.Recorded);
    }

    [Theory]
    [InlineData("b3", "1")]
    [InlineData("b3", "0")]
    [InlineData("b3multi", "1")]
    [InlineData("b3multi", "0")]
    public async Task ADeferredTrace_GoesOnFromHttpClient_WithTheServicesDecision(string format, string param)
    {
        await using var echo = await EchoServer.StartAsync();
        await using var service = await DeferService.StartAsync(format, "const", param, parentBased: true, new FakeTimeProvider());
        var traceId = ActivityTraceId.CreateRandom().ToHexString()[16..]; // a 64-bit caller
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, service.Url($"/onward?target={Uri.EscapeDataString(echo.Url)}"));
        if (format == "b3")
        {
            request.Headers.Add("b3", $"{traceId}-{spanId}");
        }
        else
        {
            request.Headers.Add("X-B3-TraceId", traceId);
            request.Headers.Add("X-B3-SpanId", spanId);
        }

        using var response = await PropagationWiringTests.PlainClient.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var headers = EchoServer.Parse(body.RootElement.GetProperty("echo").GetString()!);
        var server = body.RootElement.GetProperty("server");

        // The trace goes on with the caller's (padded) id; the decision made here is stated, not deferred again.
        var padded = traceId.PadLeft(32, '0');
        Assert.Equal(padded, server.GetProperty("traceId").GetString());
        Assert.Equal(spanId, server.GetProperty("parentSpanId").GetString());
        Assert.False(headers.ContainsKey("tracestate"));
        if (format == "b3")
        {
            var b3 = Assert.Single(headers["b3"]);
            Assert.StartsWith(padded + "-", b3);
            Assert.EndsWith("-" + param, b3);
        }
        else
        {
            Assert.Equal(padded, Assert.Single(headers["x-b3-traceid"]));
            Assert.Equal(param, Assert.Single(headers["x-b3-sampled"]));
        }
    }

    [Fact]
    public async Task OpenTelemetryJsB3Caller_WithoutASamplingDecision_IsDecidedByThePolicy()
    {
        // OpenTelemetry JS's B3 multi-header propagator leaves X-B3-Sampled out for a context whose
        // trace flags are unset (its single-header one always writes a state, so it cannot defer).
        await using var service = await DeferService.StartAsync("b3multi", "probabilistic", "0.1", parentBased: true, new FakeTimeProvider());
        await using var node = await NodePeer.StartAsync("otel/propagation-peer.js", "b3multi");
        var random = new Random(99);
        var policy = new ProbabilisticSampler(Probability, TraceIdBits.W3c);
        const int Calls = 300;
        var traced = 0;
        for (var batch = 0; batch < Calls; batch += 50)
        {
            var sent = new List<(string Id, string TraceId, string SpanId)>();
            for (var i = batch; i < batch + 50; i++)
            {
                var call = (Id: $"defer-{i}", TraceId: SamplingTestKit.Random128(random).ToHexString(), SpanId: ActivitySpanId.CreateRandom().ToHexString());
                sent.Add(call);
                await node.SendAsync(JsonSerializer.Serialize(new { call = service.Url("/deferred"), id = call.Id, deferred = true, traceId = call.TraceId, spanId = call.SpanId }));
            }

            foreach (var call in sent)
            {
                using var line = JsonDocument.Parse(await node.WaitForLineAsync(l => l.Contains("\"called\"", StringComparison.Ordinal) && l.Contains($"\"{call.Id}\"", StringComparison.Ordinal)));
                var root = line.RootElement;
                Assert.Equal(200, root.GetProperty("status").GetInt32());
                Assert.False(root.GetProperty("sent").TryGetProperty("x-b3-sampled", out _)); // the caller deferred
                var seen = JsonSerializer.Deserialize<DeferService.Seen>(root.GetProperty("body").GetString()!, DeferService.Json)!;
                Assert.Equal(call.TraceId, seen.TraceId);
                Assert.Equal(call.SpanId, seen.ParentSpanId);
                Assert.Equal(policy.IsSampled(ActivityTraceId.CreateFromString(call.TraceId)), seen.Recorded);
                traced += seen.Recorded ? 1 : 0;
            }
        }

        output.WriteLine($"OpenTelemetry JS caller: {traced} of {Calls} traced ({100.0 * traced / Calls:F1}%)");
        Assert.InRange(traced, 10, 50); // 30 ± 20: over three standard deviations of 300 draws at p = 0.1
    }

    /// <summary>A Kestrel app with AddTracing, B3 propagation and the given policy; its server spans collected.</summary>
    private sealed class DeferService : IAsyncDisposable
    {
        public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        private readonly WebApplication _app;
        private readonly SpanCollector _collector;

        private DeferService(WebApplication app, SpanCollector collector)
        {
            _app = app;
            _collector = collector;
        }

        public static async Task<DeferService> StartAsync(string format, string type, string param, bool parentBased, TimeProvider time)
        {
            var collector = new SpanCollector();
            var app = await TracingHost.StartWebAsync(
                new Dictionary<string, string?>
                {
                    ["Tracing:ServiceName"] = "b3-defer",
                    ["Tracing:Exporters:0"] = "none",
                    ["Tracing:Propagators:0"] = format,
                    ["Tracing:Sampler:Type"] = type,
                    ["Tracing:Sampler:Param"] = param,
                    ["Tracing:Sampler:ParentBased"] = parentBased ? "true" : "false",
                },
                app =>
                {
                    app.MapGet("/deferred", () => Results.Json(Seen.Of(Activity.Current!)));
                    app.MapGet("/onward", async (IHttpClientFactory factory, string target) => Results.Json(new
                    {
                        server = Seen.Of(Activity.Current!),
                        echo = await factory.CreateClient().GetStringAsync(new Uri(target)),
                    }));
                },
                builder =>
                {
                    builder.Services.AddSingleton(time);
                    builder.Services.AddHttpClient();
                    builder.Services.AddTracing(o => o.ConfigureProvider = provider => provider.AddProcessor(collector));
                });
            collector.HostingSource = app.Services.GetServices<ActivitySource>().First(s => s.Name == "Microsoft.AspNetCore");
            return new DeferService(app, collector);
        }

        public string Url(string pathAndQuery) => _app.BaseAddress() + pathAndQuery;

        /// <summary>One request with ids and no sampling state (a 64-bit trace id every other time).</summary>
        public async Task<(ActivityTraceId TraceId, bool Recorded)> SendDeferredAsync(string format, Random random)
        {
            var id = random.Next(2) == 0 ? SamplingTestKit.Random128(random) : SamplingTestKit.ZeroPadded64(random);
            var traceId = id.ToHexString();
            var sentTraceId = traceId.StartsWith("0000000000000000", StringComparison.Ordinal) ? traceId[16..] : traceId;
            var spanId = ActivitySpanId.CreateRandom().ToHexString();
            using var request = new HttpRequestMessage(HttpMethod.Get, Url("/deferred"));
            if (format == "b3")
            {
                request.Headers.Add("b3", $"{sentTraceId}-{spanId}");
            }
            else
            {
                request.Headers.Add("X-B3-TraceId", sentTraceId);
                request.Headers.Add("X-B3-SpanId", spanId);
            }

            var seen = await ReadAsync(request);

            // Continued: the same trace (64-bit ids left-padded) and the caller's span as parent.
            Assert.Equal(traceId, seen.TraceId);
            Assert.Equal(spanId, seen.ParentSpanId);
            Assert.True(string.IsNullOrEmpty(seen.TraceState));
            return (id, seen.Recorded);
        }

        public static async Task<Seen> ReadAsync(HttpRequestMessage request)
        {
            using var response = await PropagationWiringTests.PlainClient.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<Seen>(Json))!;
        }

        public async Task<IReadOnlyList<Activity>> WaitForServerSpansAsync(int count)
        {
            // Server spans end after their response is written: wait (bounded) for the last of them.
            var spans = await _collector.WaitForAsync(s => s.Count(_collector.IsServerSpan) >= count, TimeSpan.FromSeconds(10));
            return spans.Where(_collector.IsServerSpan).ToList();
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        public sealed record Seen(string TraceId, string ParentSpanId, bool Recorded, string? TraceState)
        {
            public static Seen Of(Activity activity) =>
                new(activity.TraceId.ToHexString(), activity.ParentSpanId.ToHexString(), activity.Recorded, activity.TraceStateString);
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// The forced-sampling attack <c>Sampler:Debug</c> exists for: under the default <c>IncomingContext:
/// continue</c> an outside client sends debug headers (<c>jaeger-debug-id</c>, <c>b3: …-d</c>,
/// <c>X-B3-Flags: 1</c>, Jaeger flag 0x2) to a service whose sampler drops everything, hoping to have
/// every request traced. Real Kestrel on 127.0.0.1, a live OTLP receiver; the debug budget's clock is a
/// fake one the test advances (the host's own clock is left alone).
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class DebugSamplingAttackTests
{
    private const string Budget = "2";

    [Fact]
    public async Task DebugHeadersFromOutside_BeyondTheBudget_AreNotSampled_AndAreCounted()
    {
        await using var attack = await Attack.StartAsync("continue", trusted: null);

        var first = await attack.SendEveryFormAsync();
        attack.Clock.Advance(TimeSpan.FromSeconds(1));
        var afterASecond = await attack.SendEveryFormAsync();
        var (exported, refused) = await attack.StopAsync();

        Assert.Equal(2, first.Count(sampled => sampled)); // the budget, whatever the header's form
        Assert.Equal(2, afterASecond.Count(sampled => sampled)); // one second refills it, no more
        Assert.Equal(4, exported.Count);
        Assert.All(exported, span => Assert.Equal(true, span.Attribute("sampler.debug")));
        Assert.Equal((2 * Attack.Forms) - 4, refused);
    }

    [Fact]
    public async Task DebugHeadersFromATrustedNetwork_AreAllSampled_AndSpendNoBudget()
    {
        await using var attack = await Attack.StartAsync("continue", trusted: "127.0.0.0/8");

        var sent = await attack.SendEveryFormAsync();
        var again = await attack.SendEveryFormAsync();
        var (exported, refused) = await attack.StopAsync();

        Assert.All(sent.Concat(again), Assert.True);
        Assert.Equal(2 * Attack.Forms, exported.Count);
        Assert.Contains(exported, span => (string?)span.Attribute("jaeger-debug-id") == "curl-1"); // a new debug root, with its id
        Assert.Equal(0, refused);
    }

    [Theory]
    [InlineData("restart")]
    [InlineData("ignore")]
    public async Task DebugHeadersFromOutside_UnderRestartOrIgnore_AreNotSampled_AndTouchNothing(string mode)
    {
        await using var attack = await Attack.StartAsync(mode, trusted: null);

        var sent = await attack.SendEveryFormAsync();
        var (exported, refused) = await attack.StopAsync();

        Assert.All(sent, Assert.False);
        Assert.Empty(exported);
        Assert.Equal(0, refused); // the caller's context never reached the sampler: no budget spent, nothing counted
        Assert.True(attack.Gate.Admit(trusted: false)); // the budget is whole
        Assert.True(attack.Gate.Admit(trusted: false));
    }

    /// <summary>A web host sampling nothing by policy, its debug budget on a fake clock, and a client.</summary>
    private sealed class Attack : IAsyncDisposable
    {
        /// <summary>How many requests <see cref="SendEveryFormAsync"/> sends: one per form of debug header.</summary>
        public const int Forms = 5;

        private readonly OtlpReceiver _receiver;
        private readonly WebApplication _app;
        private readonly MetricCollector<long> _refused;
        // The test process's own HttpClient span would send its traceparent, which wins over B3 and Jaeger.
        private readonly HttpClient _client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });
        private readonly string _service;
        private int _sent;

        private Attack(OtlpReceiver receiver, WebApplication app, string service, FakeTimeProvider clock)
        {
            _receiver = receiver;
            _app = app;
            _service = service;
            Clock = clock;
            _refused = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), TracingMetrics.MeterName, "tracing.sdk.sampling.debug.refused");
            Gate = app.Services.GetRequiredService<DebugSamplingGate>();
        }

        public FakeTimeProvider Clock { get; }

        public DebugSamplingGate Gate { get; }

        public static async Task<Attack> StartAsync(string mode, string? trusted)
        {
            var receiver = await OtlpReceiver.StartAsync();
            var service = $"debug-attack-{Guid.NewGuid():N}";
            var settings = TracingHost.OtlpSettings(receiver, service);
            settings["Tracing:Sampler:Type"] = "const";
            settings["Tracing:Sampler:Param"] = "0";
            settings["Tracing:Sampler:ParentBased"] = "false"; // the attack works even so, without a budget
            settings["Tracing:Sampler:Debug:MaxPerSecond"] = Budget;
            settings["Tracing:AspNetCore:IncomingContext"] = mode;
            settings["Tracing:Propagators:0"] = "tracecontext";
            settings["Tracing:Propagators:1"] = "b3";
            settings["Tracing:Propagators:2"] = "jaeger";
            if (trusted is not null)
            {
                settings["Tracing:AspNetCore:TrustedNetworks:0"] = trusted;
            }

            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var app = await TracingHost.StartWebAsync(
                settings,
                app => app.MapGet("/orders", (HttpContext context) => Activity.Current?.Recorded == true ? "sampled" : "dropped"),
                builder => builder.Services.AddSingleton(sp => new DebugSamplingGate(
                    sp.GetRequiredService<IOptions<TracingOptions>>().Value.Sampler.Debug, clock, sp.GetRequiredService<TracingMetrics>())));
            return new Attack(receiver, app, service, clock);
        }

        /// <summary>One request per form of debug header, each a new trace; whether the server span was sampled.</summary>
        public async Task<bool[]> SendEveryFormAsync()
        {
            var results = new bool[Forms];
            for (var form = 0; form < Forms; form++)
            {
                var n = Interlocked.Increment(ref _sent);
                var traceId = ActivityTraceId.CreateRandom().ToHexString();
                var spanId = ActivitySpanId.CreateRandom().ToHexString();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{_app.BaseAddress()}/orders");
                switch (form)
                {
                    case 0:
                        request.Headers.TryAddWithoutValidation("jaeger-debug-id", $"curl-{n}"); // a new debug root
                        break;
                    case 1:
                        request.Headers.TryAddWithoutValidation("b3", $"{traceId}-{spanId}-d");
                        break;
                    case 2:
                        request.Headers.TryAddWithoutValidation("X-B3-TraceId", traceId);
                        request.Headers.TryAddWithoutValidation("X-B3-SpanId", spanId);
                        request.Headers.TryAddWithoutValidation("X-B3-Flags", "1");
                        break;
                    case 3:
                        request.Headers.TryAddWithoutValidation("uber-trace-id", $"{traceId}:{spanId}:0:2");
                        break;
                    default:
                        request.Headers.TryAddWithoutValidation("b3", "d"); // debug for a new root
                        break;
                }

                using var response = await _client.SendAsync(request);
                results[form] = await response.Content.ReadAsStringAsync() == "sampled";
            }

            return results;
        }

        /// <summary>Stops the host (which flushes every ended span): the server spans exported and the refusals counted.</summary>
        public async Task<(IReadOnlyList<ReceivedSpan> Exported, long Refused)> StopAsync()
        {
            await _app.StopAsync();
            var exported = _receiver.Spans.Where(s => s.ServiceName == _service && s.ScopeName == "Microsoft.AspNetCore").ToList();
            return (exported, _refused.GetMeasurementSnapshot().Sum(m => m.Value));
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            _refused.Dispose();
            await _app.DisposeAsync();
            await _receiver.DisposeAsync();
        }
    }
}

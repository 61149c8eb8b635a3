using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// The attack IncomingContext exists for: an outside client sends <c>traceparent ...-01</c> to a
/// service whose sampler would drop the request, hoping to force it sampled (and its whole call tree
/// with it). Real Kestrel, a live OTLP receiver; the loopback client is outside every trusted network
/// unless the test says otherwise.
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class IncomingContextAttackTests
{
    [Theory]
    [InlineData("restart")]
    [InlineData("ignore")]
    public async Task SampledTraceparentFromOutside_DoesNotForceSampling(string mode)
    {
        var (exported, seen) = await AttackAsync(mode, trusted: null);

        Assert.Empty(exported);
        Assert.False(seen.Recorded);
        Assert.NotEqual(AttackTraceId, seen.TraceId);
    }

    [Fact]
    public async Task SampledTraceparent_ForcesSamplingUnderContinue_ThatIsWhatRestartPrevents()
    {
        var (exported, seen) = await AttackAsync("continue", trusted: null);

        Assert.True(seen.Recorded);
        Assert.Equal(AttackTraceId, seen.TraceId);
        Assert.Single(exported, s => s.TraceId == AttackTraceId);
    }

    [Fact]
    public async Task SampledTraceparentFromATrustedNetwork_IsContinuedUnderRestart()
    {
        var (exported, seen) = await AttackAsync("restart", trusted: "127.0.0.0/8");

        Assert.True(seen.Recorded);
        Assert.Equal(AttackTraceId, seen.TraceId);
        var span = Assert.Single(exported, s => s.TraceId == AttackTraceId);
        Assert.Equal("b7ad6b7169203331", span.ParentSpanId);
    }

    private const string AttackTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static async Task<(IReadOnlyList<ReceivedSpan> Exported, (bool Recorded, string TraceId) Seen)> AttackAsync(string mode, string? trusted)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"attack-{Guid.NewGuid():N}";
        var settings = TracingHost.OtlpSettings(receiver, service);
        settings["Tracing:Sampler:Type"] = "const";
        settings["Tracing:Sampler:Param"] = "0";
        settings["Tracing:AspNetCore:IncomingContext"] = mode;
        if (trusted is not null)
        {
            settings["Tracing:AspNetCore:TrustedNetworks:0"] = trusted;
        }

        (bool Recorded, string TraceId) seen = default;
        var app = await TracingHost.StartWebAsync(settings, app => app.MapGet("/orders", () =>
        {
            var current = Activity.Current!;
            seen = (current.Recorded, current.TraceId.ToHexString());
            return "ok";
        }));

        await using (app)
        {
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.BaseAddress()}/orders");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{AttackTraceId}-b7ad6b7169203331-01");
            request.Headers.TryAddWithoutValidation("baggage", "tenant=evil");
            var response = await client.SendAsync(request);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());

            // Stopping flushes every ended span to the receiver: what is not there was not sampled.
            await app.StopAsync();
        }

        return (receiver.Spans.Where(s => s.ServiceName == service && s.ScopeName == "Microsoft.AspNetCore").ToList(), seen);
    }
}

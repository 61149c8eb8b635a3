using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// The ASP.NET Core side of late binding: the entry span is decided by its route name once routing has
/// selected the endpoint, before the endpoint (and anything it calls) runs; by its method-only name
/// when nothing routes it. A fake policy stands in for the per-operation sampler (registered through
/// the internal <see cref="ILateBindingSampler"/> seam).
/// </summary>
public sealed class LateBindingTests
{
    [Fact]
    public async Task TwoRoutes_GetTheirOwnRates_DecidedBeforeTheEndpointRuns()
    {
        var sourceName = $"AspNetCore.Late.{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        var sampler = new FakeLateBindingSampler(new Dictionary<string, int> { ["GET /a"] = 1, ["GET /b/{id}"] = 4 });
        var seenByEndpoint = new ConcurrentQueue<(string Route, bool Recorded)>();
        RequestDelegate Handler(string route) => context =>
        {
            seenByEndpoint.Enqueue((route, Activity.Current!.Recorded));
            using var child = source.StartActivity("child");
            return context.Response.WriteAsync("ok");
        };

        await using var host = await ServerSpanHost.StartAsync(
            app =>
            {
                app.MapGet("/a", Handler("a"));
                app.MapGet("/b/{id}", Handler("b"));
            },
            o => o.Sources = [sourceName],
            builder => builder.Services.AddSingleton<ILateBindingSampler>(sampler));

        for (var i = 0; i < 8; i++)
        {
            await host.Client.GetAsync("/a");
            await host.Client.GetAsync($"/b/{i}");
        }

        // 8 of /a and 2 of /b (the 1st and 5th) are kept, each with its child.
        var spans = await host.Collector.WaitForAsync(s => s.Count >= 20);
        var servers = spans.Where(host.Collector.IsServerSpan).ToList();
        Assert.Equal(8, servers.Count(s => s.DisplayName == "GET /a"));
        Assert.Equal(2, servers.Count(s => s.DisplayName == "GET /b/{id}"));
        Assert.Equal(10, spans.Count(s => s.Source.Name == sourceName));
        Assert.Equal(10, servers.Count);

        Assert.Equal(16, sampler.Decisions.Count);
        Assert.Equal(8, sampler.Decisions.Count(d => d.Operation == "GET /a" && d.Sampled));
        Assert.Equal([true, false, false, false, true, false, false, false], sampler.Decisions.Where(d => d.Operation == "GET /b/{id}").Select(d => d.Sampled));

        // The endpoint already saw the decision: the flags were final before it ran.
        Assert.Equal(8, seenByEndpoint.Count(s => s.Route == "a" && s.Recorded));
        Assert.Equal(2, seenByEndpoint.Count(s => s.Route == "b" && s.Recorded));
    }

    [Fact]
    public async Task UnroutedRequest_IsDecidedByMethod_NoLaterThanItsFirstChildSpan()
    {
        var sourceName = $"AspNetCore.Late.{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        var sampler = new FakeLateBindingSampler(new Dictionary<string, int> { ["GET"] = 0, ["POST"] = 1 });
        var childRecorded = new ConcurrentQueue<bool>();
        await using var host = await ServerSpanHost.StartAsync(
            app => app.Run(context =>
            {
                // No routing at all: the child asks first, under the method-only name.
                using (var child = source.StartActivity("child"))
                {
                    childRecorded.Enqueue(child?.Recorded ?? false);
                }

                return context.Response.WriteAsync("ok");
            }),
            o => o.Sources = [sourceName],
            builder => builder.Services.AddSingleton<ILateBindingSampler>(sampler));

        await host.Client.GetAsync("/anything");
        await host.Client.PostAsync("/anything", null);

        var spans = await host.Collector.WaitForAsync(s => s.Count >= 2);
        var server = Assert.Single(spans, host.Collector.IsServerSpan);
        Assert.Equal("POST", server.DisplayName);
        Assert.Equal([("GET", false), ("POST", true)], sampler.Decisions);
        Assert.Equal([false, true], childRecorded);
    }

    [Fact]
    public async Task NoRouteMatched_IsDecidedAtTheEndByMethod()
    {
        var sampler = new FakeLateBindingSampler(new Dictionary<string, int>());
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/known", () => "ok"),
            configure: builder => builder.Services.AddSingleton<ILateBindingSampler>(sampler));

        await host.Client.GetAsync("/unknown");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET", span.DisplayName);
        Assert.Equal([("GET", true)], sampler.Decisions);
    }

    [Fact]
    public async Task ExcludedRequest_IsNeverDecided()
    {
        var sampler = new FakeLateBindingSampler(new Dictionary<string, int>());
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/health", () => "ok"),
            configure: builder => builder.Services.AddSingleton<ILateBindingSampler>(sampler));

        await host.Client.GetAsync("/health");
        await host.Client.GetAsync("/nope");
        await host.SingleServerSpanAsync();

        Assert.Equal([("GET", true)], sampler.Decisions);
    }
}

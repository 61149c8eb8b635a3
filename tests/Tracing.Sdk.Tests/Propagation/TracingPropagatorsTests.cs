using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Hosting;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>The configured set made process-wide while a host runs: <c>new HttpClient()</c>, OpenTelemetry's default propagator.</summary>
[Collection(GlobalPropagationState.Name)]
public sealed class TracingPropagatorsTests
{
    [Fact]
    public async Task NewHttpClient_WhileAHostRuns_SendsTheConfiguredFormatOnly()
    {
        await using var echo = await EchoServer.StartAsync();
        using var host = Worker("b3");
        await host.StartAsync();

        using var client = new HttpClient();
        using var source = new ActivitySource("Propagation.Global.NewHttpClient");
        using var listener = ListenTo(source.Name);
        using var activity = source.StartActivity("call")!;
        var headers = EchoServer.Parse(await client.GetStringAsync(echo.Url));

        Assert.StartsWith(activity.TraceId.ToHexString() + "-", Assert.Single(headers["b3"]));
        Assert.False(headers.ContainsKey("traceparent"));
        await host.StopAsync();
    }

    [Fact]
    public async Task NewHttpClient_WithTraceContextAndBaggage_SendsOneTraceparent()
    {
        await using var echo = await EchoServer.StartAsync();
        using var host = Worker("tracecontext", "baggage");
        await host.StartAsync();

        using var client = new HttpClient();
        using var source = new ActivitySource("Propagation.Global.NewHttpClient2");
        using var listener = ListenTo(source.Name);
        using var activity = source.StartActivity("call")!.AddBaggage("k", "v");
        var headers = EchoServer.Parse(await client.GetStringAsync(echo.Url));

        Assert.Contains(activity.TraceId.ToHexString(), Assert.Single(headers["traceparent"]));
        Assert.Equal("k=v", Assert.Single(headers["baggage"]));
        await host.StopAsync();
    }

    [Fact]
    public async Task ProcessWidePropagators_AreTheHostsWhileItRuns_AndRestoredAfter()
    {
        var before = DistributedContextPropagator.Current;
        var beforeOtel = Propagators.DefaultTextMapPropagator;
        using var host = Worker("jaeger");

        await host.StartAsync();
        var set = (TracingPropagators)host.Services.GetService(typeof(TracingPropagators))!;
        Assert.Same(set.DistributedPropagator, DistributedContextPropagator.Current);
        Assert.Same(set.DefaultTextMapPropagator, Propagators.DefaultTextMapPropagator);
        Assert.Same(set, TracingPropagators.Current);

        await host.StopAsync();
        Assert.Same(before, DistributedContextPropagator.Current);
        Assert.Same(beforeOtel, Propagators.DefaultTextMapPropagator);
        Assert.Same(TracingPropagators.Default, TracingPropagators.Current);
    }

    [Fact]
    public async Task TwoHosts_TheNewestRunningOneIsProcessWide()
    {
        using var first = Worker("b3");
        using var second = Worker("jaeger");
        await first.StartAsync();
        await second.StartAsync();
        var firstSet = (TracingPropagators)first.Services.GetService(typeof(TracingPropagators))!;
        var secondSet = (TracingPropagators)second.Services.GetService(typeof(TracingPropagators))!;

        Assert.Same(secondSet, TracingPropagators.Current);
        await second.StopAsync();
        Assert.Same(firstSet, TracingPropagators.Current);
        Assert.Same(firstSet.DistributedPropagator, DistributedContextPropagator.Current);
        await first.StopAsync();
        Assert.Same(TracingPropagators.Default, TracingPropagators.Current);
    }

    internal static IHost Worker(params string[] propagators)
    {
        var settings = new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "none", ["Tracing:ServiceName"] = "propagation-global" };
        for (var i = 0; i < propagators.Length; i++)
        {
            settings[$"Tracing:Propagators:{i}"] = propagators[i];
        }

        return LifecycleTests.BuildWorker(settings);
    }

    internal static ActivityListener ListenTo(string sourceName)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// A request's <see cref="ServerSpanState"/> is handed back once hosting has stopped the request: the
/// request gets its own endpoint feature back, and the state serves the next request on the thread.
/// Each case runs start to release on one thread with no await in between, as hosting does.
/// </summary>
public sealed class ServerSpanStateReuseTests
{
    [Fact]
    public async Task AnEndedRequest_GetsItsEndpointFeatureBack_AndItsStateServesTheNextRequestWithNothingOfTheFirst()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/x", () => "ok"));
        var tracing = host.App.Services.GetRequiredService<AspNetCoreTracing>();
        var route = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/orders/{id}"), 0, EndpointMetadataCollection.Empty, "orders");

        var (first, firstFeature, firstSpan) = NewRequest("GET", "/orders/1");
        var state = Start(tracing, first, firstSpan, firstFeature);
        first.SetEndpoint(route);
        first.Response.StatusCode = StatusCodes.Status500InternalServerError;
        state.ObserveHandled(new InvalidDataException("first request's failure"));
        Stop(state);

        Assert.Same(firstFeature, first.Features.Get<IEndpointFeature>());
        Assert.Same(route, first.GetEndpoint());
        Assert.Equal("GET /orders/{id}", firstSpan.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, firstSpan.Status);
        Assert.Single(firstSpan.Events, e => e.Name == "exception");

        var (second, secondFeature, secondSpan) = NewRequest("POST", "/nowhere");
        Assert.Same(state, Start(tracing, second, secondSpan, secondFeature));
        Assert.Null(second.GetEndpoint());
        Stop(state);

        Assert.Same(secondFeature, second.Features.Get<IEndpointFeature>());
        Assert.Null(secondFeature.Endpoint);
        Assert.Equal("POST", secondSpan.DisplayName);
        Assert.Equal("POST", secondSpan.GetTagItem("http.request.method"));
        Assert.Equal("/nowhere", secondSpan.GetTagItem("url.path"));
        Assert.Null(secondSpan.GetTagItem("http.route"));
        Assert.Equal(200, secondSpan.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, secondSpan.Status);
        Assert.Empty(secondSpan.Events);

        // The first request's span is as its request left it.
        Assert.Equal("GET /orders/{id}", firstSpan.DisplayName);
        Assert.Equal("/orders/1", firstSpan.GetTagItem("url.path"));
    }

    [Fact]
    public async Task AStateWithNothingToGiveBack_StaysWithItsRequest_AndIsNotReused()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/x", () => "ok"));
        var tracing = host.App.Services.GetRequiredService<AspNetCoreTracing>();

        // No endpoint feature before the SDK's (nothing to give back).
        var (bare, _, bareSpan) = NewRequest("GET", "/a");
        bare.Features.Set<IEndpointFeature>(null);
        var bareState = Start(tracing, bare, bareSpan, previous: null);
        Stop(bareState);
        Assert.Same(bareState, bare.Features.Get<IEndpointFeature>());

        // A middleware replaced the feature after the SDK's (the state is no longer the request's).
        var (replaced, replacedFeature, replacedSpan) = NewRequest("GET", "/b");
        var replacedState = Start(tracing, replaced, replacedSpan, replacedFeature);
        var someoneElses = new TestEndpointFeature();
        replaced.Features.Set<IEndpointFeature>(someoneElses);
        Stop(replacedState);
        Assert.Same(someoneElses, replaced.Features.Get<IEndpointFeature>());

        var (next, nextFeature, nextSpan) = NewRequest("GET", "/c");
        var nextState = Start(tracing, next, nextSpan, nextFeature);
        Assert.NotSame(bareState, nextState);
        Assert.NotSame(replacedState, nextState);
        Stop(nextState);
        Assert.Equal("/c", nextSpan.GetTagItem("url.path"));
        Assert.Equal("/a", bareSpan.GetTagItem("url.path"));
    }

    /// <summary>Starts tracing the request; its state is its endpoint feature now.</summary>
    private static ServerSpanState Start(AspNetCoreTracing tracing, HttpContext context, Activity span, IEndpointFeature? previous)
    {
        ServerSpanState.Start(tracing, context, span, previous);
        return Assert.IsType<ServerSpanState>(context.Features.Get<IEndpointFeature>());
    }

    /// <summary>What hosting's stop does with the state: end the span, then release the state.</summary>
    private static void Stop(ServerSpanState state)
    {
        state.End(escaped: null);
        state.Release();
    }

    private static (DefaultHttpContext Context, TestEndpointFeature Feature, Activity Span) NewRequest(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 8080);
        context.Request.Path = path;
        var feature = new TestEndpointFeature();
        context.Features.Set<IEndpointFeature>(feature);

        var span = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return (context, feature, span);
    }

    private sealed class TestEndpointFeature : IEndpointFeature
    {
        public Endpoint? Endpoint { get; set; }
    }
}

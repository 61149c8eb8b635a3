using System.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>Which host owns a span when several hosts with tracing share the process.</summary>
[Collection(nameof(HostSpanFilterTests))]
[CollectionDefinition(nameof(HostSpanFilterTests), DisableParallelization = true)]
public sealed class HostSpanFilterTests
{
    [Fact]
    public void SpanUnderARequest_BelongsToTheHostWhoseHostingSourceCreatedIt()
    {
        using var hostingA = new ActivitySource(HostSpanFilter.HostingSourceName);
        using var hostingB = new ActivitySource(HostSpanFilter.HostingSourceName);
        using var a = new HostSpanFilter(hostingA, new SourceMatcher([]));
        using var b = new HostSpanFilter(hostingB, new SourceMatcher([]));
        using var listener = Listen(hostingA, hostingB);

        using var request = hostingB.StartActivity("request")!;
        using var http = new ActivitySource("System.Net.Http");
        using var child = StartChild("System.Net.Http", listener);

        Assert.False(a.Owns(request));
        Assert.True(b.Owns(request));
        Assert.False(a.Owns(child));
        Assert.True(b.Owns(child));
    }

    [Fact]
    public void RequestOfAHostWithoutTracing_BelongsToNoTracingHost()
    {
        using var otherHosting = new ActivitySource(HostSpanFilter.HostingSourceName);
        using var only = new HostSpanFilter(hostingSource: null, new SourceMatcher([]));
        using var listener = Listen(otherHosting);

        using var request = otherHosting.StartActivity("request")!;

        Assert.False(only.Owns(request));
    }

    [Fact]
    public void WithSeveralHosts_TheNearestUserSourceDecides()
    {
        // A host's processors only ever see spans of the sources its provider listens to: host A sees
        // the Orders span and the HttpClient span under it, host B (Billing.*) only the HttpClient span.
        var name = $"Orders.{Guid.NewGuid():N}";
        using var a = new HostSpanFilter(null, new SourceMatcher(["Orders.*"]));
        using var b = new HostSpanFilter(null, new SourceMatcher(["Billing.*"]));
        using var user = new ActivitySource(name);
        using var listener = Listen(user);

        using var span = user.StartActivity("work")!;
        using var child = StartChild("System.Net.Http", listener);

        Assert.True(a.Owns(span));
        Assert.True(a.Owns(child));
        Assert.False(b.Owns(child));
    }

    [Fact]
    public void WithSeveralHosts_ASourceAddedOnTheProvider_IsTheHostsOnceItsSpansReachIt()
    {
        // A library source added with ConfigureOpenTelemetryTracerProvider(b => b.AddSource(...)), not in
        // Sources: its spans reach only the host that listens to it, which then also owns what runs under them.
        var name = $"Some.Library.{Guid.NewGuid():N}";
        using var a = new HostSpanFilter(null, new SourceMatcher([]));
        using var b = new HostSpanFilter(null, new SourceMatcher([]));
        using var library = new ActivitySource(name);
        using var listener = Listen(library);

        using var span = library.StartActivity("library work")!;
        using var child = StartChild("System.Net.Http", listener);

        Assert.False(a.Owns(child)); // before a has seen a span of the library's source
        Assert.True(a.Owns(span));
        Assert.True(a.Owns(child));
        Assert.False(b.Owns(child));
    }

    [Fact]
    public void SpanWithNoDecidingAncestor_BelongsToNoHost_UnlessThereIsOnlyOne()
    {
        using var first = new HostSpanFilter(null, new SourceMatcher([]));
        using var second = new HostSpanFilter(null, new SourceMatcher([]));
        using var listener = Listen();
        using var span = StartChild("System.Net.Http", listener);

        // Code under no request and no source of anyone's (this test): nobody's, so never exported twice or wrongly.
        Assert.False(first.Owns(span));
        Assert.False(second.Owns(span));

        first.Dispose();
        Assert.True(second.Owns(span)); // alone now: everything is its own
    }

    private static ActivityListener Listen(params ActivitySource[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => sources.Contains(s) || s.Name == "System.Net.Http" || s.Name.StartsWith("Filter.Test", StringComparison.Ordinal),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Activity StartChild(string sourceName, ActivityListener listener)
    {
        GC.KeepAlive(listener);
        var source = new ActivitySource(sourceName);
        return source.StartActivity("child") ?? throw new InvalidOperationException("not sampled");
    }
}

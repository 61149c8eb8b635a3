using System.Diagnostics;
using Xunit.Sdk;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>The test host's duplicate check itself: it must be able to fail.</summary>
public sealed class ServerSpanHostTests : IDisposable
{
    private readonly ActivitySource _source = new($"ServerSpanHostTests.{Guid.NewGuid():N}");
    private readonly ActivityListener _listener;

    public ServerSpanHostTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    private static readonly ActivityContext Caller = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    [Fact]
    public void TwoServerSpansContinuingOneContext_AreADuplicate()
    {
        using var first = Server("GET /a", Caller);
        using var second = Server("GET /a", Caller);

        var failure = Assert.Throws<TrueException>(() => ServerSpanHost.AssertNoDuplicateServerSpans([first, second]));
        Assert.Contains("2 server spans under", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerSpanInsideAServerSpan_IsADuplicate()
    {
        using var outer = Server("GET /a", default);
        using var inner = Server("GET /a", outer.Context);

        var failure = Assert.Throws<TrueException>(() => ServerSpanHost.AssertNoDuplicateServerSpans([outer, inner]));
        Assert.Contains("nested", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneServerSpanPerRequest_WithClientAndInternalChildren_Passes()
    {
        using var a = Server("GET /a", Caller);
        using var b = Server("GET /b", default);
        using var child = _source.StartActivity("db", ActivityKind.Client, a.Context)!;

        ServerSpanHost.AssertNoDuplicateServerSpans([a, b, child]);
    }

    private Activity Server(string name, ActivityContext parent)
    {
        // A root is started with no ambient parent, as a request with no incoming context is.
        Activity.Current = null;
        return _source.StartActivity(name, ActivityKind.Server, parent)!;
    }
}

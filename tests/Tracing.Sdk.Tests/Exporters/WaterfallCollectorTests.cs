using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary>The console waterfall prints one block per trace, when nothing of the trace is open, within its memory bounds.</summary>
public sealed class WaterfallCollectorTests : IDisposable
{
    private readonly TestActivities _activities = new();
    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _activities.Dispose();

    [Fact]
    public void Trace_IsPrintedOnceWhenItsRootEnds_WithChildrenIndentedUnderParents()
    {
        using var collector = Create();
        var root = Start(collector, "GET /checkout");
        var child = Start(collector, "POST /orders");
        var grandchild = Start(collector, "SELECT orders");
        End(collector, grandchild, "orders");
        End(collector, child, "orders");
        Assert.Equal(string.Empty, Flushed(collector, flushHeld: false));

        End(collector, root, "front");
        var text = Flushed(collector, flushHeld: false);

        Assert.Single(Blocks(text));
        Assert.Contains($"trace {root.TraceId}  3 span(s), 2 service(s)", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^  front +GET /checkout ", lines[1]);
        Assert.Matches(@"^  orders +  POST /orders ", lines[2]);
        Assert.Matches(@"^  orders +    SELECT orders ", lines[3]);
    }

    [Fact]
    public void ClientSpanEndingBeforeTheServerSpanBelowIt_StillGivesOneBlock()
    {
        // HttpClient stops its span at the response headers, before the callee's server span ends.
        using var collector = Create();
        var root = Start(collector, "GET /checkout");
        var client = Start(collector, "POST");
        var server = Start(collector, "POST /orders", ActivityKind.Server);
        End(collector, client, "front");
        End(collector, server, "orders");
        End(collector, root, "front");

        var text = Flushed(collector, flushHeld: false);

        Assert.Single(Blocks(text));
        Assert.Contains("3 span(s), 2 service(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SpanWithARemoteParent_IsPrintedWhenItEnds()
    {
        using var collector = Create();
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var server = _activities.Start("GET /users/{id}", ActivityKind.Server, remote);
        collector.Started(server);
        End(collector, server, "users");

        var text = Flushed(collector, flushHeld: false);

        Assert.Contains($"trace {remote.TraceId}  1 span(s)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("partial", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorStatusAndHighlightedAttributes_AreShown()
    {
        using var collector = Create();
        var root = Start(collector, "GET /fail");
        root.SetTag("http.response.status_code", 500);
        root.SetStatus(ActivityStatusCode.Error, "boom");
        End(collector, root, "front");

        var text = Flushed(collector, flushHeld: false);

        Assert.Contains("ERROR: boom", text, StringComparison.Ordinal);
        Assert.Contains("http.response.status_code=500", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SpansBeyondMaxSpansPerTrace_AreCountedNotHeld()
    {
        using var collector = Create(new ConsoleExporterOptions { MaxSpansPerTrace = 2 });
        var root = Start(collector, "root");
        for (var i = 0; i < 4; i++)
        {
            End(collector, Start(collector, $"child {i}"), "svc");
            Activity.Current = root;
        }

        End(collector, root, "svc");
        var text = Flushed(collector, flushHeld: false);

        Assert.Contains("2 span(s)", text, StringComparison.Ordinal);
        Assert.Contains("3 more span(s) not held", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FragmentOlderThanMaxAge_IsPrintedAsPartial()
    {
        using var collector = Create(new ConsoleExporterOptions { MaxTraceAgeSeconds = 10 });
        var root = Start(collector, "never ends");
        End(collector, Start(collector, "child"), "svc");
        Assert.Equal(string.Empty, Flushed(collector, flushHeld: false));

        _time.Advance(TimeSpan.FromSeconds(11));
        var text = Flushed(collector, flushHeld: false);

        Assert.Contains("(partial: its root span had not ended)", text, StringComparison.Ordinal);
        Assert.Contains("child", text, StringComparison.Ordinal);
        root.Dispose();
    }

    [Fact]
    public void MoreTracesThanMaxTraces_PrintsTheOldestEarly()
    {
        using var collector = Create(new ConsoleExporterOptions { MaxTraces = 1 });
        var first = Start(collector, "first root");
        End(collector, Start(collector, "first child"), "svc");
        Activity.Current = null;
        var second = Start(collector, "second root");
        End(collector, Start(collector, "second child"), "svc");

        var text = Flushed(collector, flushHeld: false);

        Assert.Contains("first child", text, StringComparison.Ordinal);
        Assert.DoesNotContain("second child", text, StringComparison.Ordinal);
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Flush_PrintsWhatIsHeld()
    {
        using var collector = Create();
        var root = Start(collector, "open root");
        End(collector, Start(collector, "done child"), "svc");

        var text = Flushed(collector, flushHeld: true);

        Assert.Contains("done child", text, StringComparison.Ordinal);
        Assert.Contains("partial", text, StringComparison.Ordinal);
        root.Dispose();
    }

    [Fact]
    public async Task TracesTheConsoleCannotTakeIn_AreDroppedAndCountedBySpan()
    {
        // A console that blocks: the writer holds one trace, the queue 256 more; the rest are counted.
        var writer = new BlockingWriter();
        var collector = new WaterfallCollector(writer, new ConsoleExporterOptions(), _time);
        End(collector, Start(collector, "first"), "svc");
        await writer.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 299; i++)
        {
            Activity.Current = null;
            End(collector, Start(collector, $"trace {i}"), "svc");
        }

        collector.ProcessPending();
        Assert.Equal(299 - 256, collector.SpansDropped);
        writer.Release.Set();
        Assert.True(collector.WaitForOutput(TimeSpan.FromSeconds(10)));
        collector.Dispose();
    }

    [Fact]
    public void TagWhoseToStringThrows_IsShownAsSuch_AndTheTraceIsStillPrinted()
    {
        using var collector = Create();
        var root = Start(collector, "GET /odd");
        root.SetTag("http.response.status_code", new ThrowingValue());
        End(collector, root, "front");

        var text = Flushed(collector, flushHeld: false);

        Assert.Contains("GET /odd", text, StringComparison.Ordinal);
        Assert.Contains("http.response.status_code=<ThrowingValue: ToString threw InvalidOperationException>", text, StringComparison.Ordinal);
        Assert.Equal(0, collector.SpansDropped);
    }

    [Fact]
    public async Task RequestThreads_NeverWaitForTheCollector_WhileItIsBusy()
    {
        // The background pump is stuck inside a tag's ToString, under the collector's lock. Spans that
        // start and end meanwhile are only posted: if a request thread took that lock, this would not
        // finish before the pump is released.
        var value = new BlockingValue();
        using var collector = Create();
        var slow = Start(collector, "slow");
        slow.SetTag("http.response.status_code", value);
        End(collector, slow, "svc");
        await value.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var requests = Task.Run(() =>
        {
            // Fewer than the 256 blocks the console writer may fall behind by, so none is dropped.
            for (var i = 0; i < 200; i++)
            {
                Activity.Current = null;
                End(collector, Start(collector, $"request {i}"), "svc");
            }
        });
        await requests.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(value.Release.IsSet);

        value.Release.Set();
        var text = Flushed(collector, flushHeld: false);
        Assert.Equal(201, Blocks(text).Length);
        Assert.Equal(0, collector.SpansDropped);
    }

    private WaterfallCollector Create(ConsoleExporterOptions? options = null) =>
        new(TextWriter.Synchronized(_output), options ?? new ConsoleExporterOptions(), _time);

    private Activity Start(WaterfallCollector collector, string name, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = _activities.Start(name, kind);
        collector.Started(activity);
        return activity;
    }

    private static void End(WaterfallCollector collector, Activity activity, string service)
    {
        activity.Stop();
        collector.Ended(activity, service);
    }

    /// <summary>Waits for the background writer; with <paramref name="flushHeld"/> also prints held fragments.</summary>
    private string Flushed(WaterfallCollector collector, bool flushHeld)
    {
        if (flushHeld)
        {
            Assert.True(collector.Flush(TimeSpan.FromSeconds(10)));
        }
        else
        {
            Assert.True(collector.WaitForOutput(TimeSpan.FromSeconds(10)));
        }

        var text = _output.ToString();
        _output.GetStringBuilder().Clear();
        return text;
    }

    private static string[] Blocks(string text) =>
        text.Split("trace ", StringSplitOptions.RemoveEmptyEntries);

    private sealed class ThrowingValue
    {
        public override string ToString() => throw new InvalidOperationException("no text for you");
    }

    private sealed class BlockingValue
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public override string ToString()
        {
            Entered.TrySetResult();
            Release.Wait(TimeSpan.FromSeconds(30));
            return "released";
        }
    }

    private sealed class BlockingWriter : TextWriter
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(string? value)
        {
            Entered.TrySetResult();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using OpenTelemetry;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>The public API for non-HTTP carriers and the messaging helpers.</summary>
[Collection(GlobalPropagationState.Name)]
public sealed class TracingPropagationTests : IDisposable
{
    private readonly ActivitySource _source = new($"Propagation.Api.{Guid.NewGuid():N}");
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public TracingPropagationTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _source.Name || s.Name == TracingPropagation.MessagingSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (_stopped) { _stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Fact]
    public void WithoutAHost_InjectAndExtractUseTraceContextAndBaggage()
    {
        using var activity = _source.StartActivity("op")!.AddBaggage("k", "v");
        var headers = new Dictionary<string, string>();

        TracingPropagation.Inject(headers);

        Assert.Equal(["traceparent", "baggage"], headers.Keys);
        var extracted = TracingPropagation.Extract(headers);
        Assert.Equal(activity.TraceId, extracted.ActivityContext.TraceId);
        Assert.Equal(activity.SpanId, extracted.ActivityContext.SpanId);
        Assert.Equal("v", extracted.Baggage.GetBaggage("k"));
    }

    [Fact]
    public async Task WithAHost_InjectUsesTheConfiguredSet()
    {
        using var host = TracingPropagatorsTests.Worker("b3multi", "jaeger");
        await host.StartAsync();
        using var activity = _source.StartActivity("op")!;
        var headers = new Dictionary<string, string>();

        TracingPropagation.Inject(headers);
        await host.StopAsync();

        Assert.Equal(["X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "uber-trace-id"], headers.Keys);
    }

    [Fact]
    public void Extract_MatchesHeaderNamesCaseInsensitively()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var headers = new Dictionary<string, string> { ["TRACEPARENT"] = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" };

        Assert.Equal(traceId, TracingPropagation.Extract(headers).ActivityContext.TraceId.ToHexString());
    }

    [Fact]
    public void Extract_GivesNoContext_ForMalformedHeaders()
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = "00-xyz", ["baggage"] = "=" };

        var extracted = TracingPropagation.Extract(headers);

        Assert.Equal(default, extracted.ActivityContext);
        Assert.Equal(0, extracted.Baggage.Count);
    }

    [Fact]
    public void CustomCarrier_WorksThroughGetterAndSetter()
    {
        using var activity = _source.StartActivity("op")!;
        var metadata = new List<(string Key, string Value)>();

        TracingPropagation.Inject(metadata, static (m, k, v) => m.Add((k, v)));
        var extracted = TracingPropagation.Extract(metadata, static (m, k) => m.Where(p => p.Key == k).Select(p => p.Value).ToList() is { Count: > 0 } values ? values : null);

        Assert.Equal(activity.SpanId, extracted.ActivityContext.SpanId);
    }

    [Fact]
    public void Producer_StartsAProducerSpan_WithMessagingAttributes_AndInjectsIt()
    {
        using var parent = _source.StartActivity("checkout")!;
        var headers = new Dictionary<string, string>();

        using var producer = TracingPropagation.StartProducerActivity(headers, "inproc", "orders", messageId: "m-1")!;

        Assert.Equal(ActivityKind.Producer, producer.Kind);
        Assert.Equal("send orders", producer.DisplayName);
        Assert.Equal(parent.SpanId, producer.ParentSpanId);
        Assert.Equal("inproc", producer.GetTagItem("messaging.system"));
        Assert.Equal("orders", producer.GetTagItem("messaging.destination.name"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.name"));
        Assert.Equal("m-1", producer.GetTagItem("messaging.message.id"));
        Assert.Contains(producer.SpanId.ToHexString(), headers["traceparent"]);
    }

    [Fact]
    public void Consumer_IsAChildOfTheProducer_AndCarriesTheMessagesBaggage()
    {
        var headers = new Dictionary<string, string>();
        ActivityContext producerContext;
        using (var checkout = _source.StartActivity("checkout")!.AddBaggage("tenant", "t1"))
        using (var producer = TracingPropagation.StartProducerActivity(headers, "inproc", "orders")!)
        {
            producerContext = producer.Context;
        }

        using var consumer = TracingPropagation.StartConsumerActivity(headers, "inproc", "orders", "m-1")!;

        Assert.Equal(ActivityKind.Consumer, consumer.Kind);
        Assert.Equal("process orders", consumer.DisplayName);
        Assert.Equal(producerContext.TraceId, consumer.TraceId);
        Assert.Equal(producerContext.SpanId, consumer.ParentSpanId);
        Assert.True(consumer.HasRemoteParent);
        Assert.Equal("t1", consumer.GetBaggageItem("tenant"));
        Assert.Equal("process", consumer.GetTagItem("messaging.operation.type"));
        Assert.Equal("m-1", consumer.GetTagItem("messaging.message.id"));
    }

    [Fact]
    public void Consumer_WithoutContextInTheMessage_StartsANewTrace()
    {
        using var consumer = TracingPropagation.StartConsumerActivity(new Dictionary<string, string> { ["traceparent"] = "junk" }, "inproc", "orders")!;

        Assert.Equal(default, consumer.ParentSpanId);
    }

    [Fact]
    public void BatchConsumer_LinksEveryMessagesContext_AndCountsThem()
    {
        var messages = Enumerable.Range(0, 3).Select(_ =>
        {
            using var origin = _source.StartActivity("origin")!;
            var headers = new Dictionary<string, string>();
            TracingPropagation.Inject(headers);
            return (Headers: (IDictionary<string, string>)headers, origin.Context);
        }).ToList();
        messages.Add((new Dictionary<string, string>(), default)); // a message without context: counted, not linked

        using var batch = TracingPropagation.StartBatchConsumerActivity(messages.Select(m => m.Headers), "inproc", "orders")!;

        Assert.Equal(ActivityKind.Consumer, batch.Kind);
        Assert.Equal(4L, batch.GetTagItem("messaging.batch.message_count"));
        Assert.Equal(messages.Take(3).Select(m => m.Context.SpanId), batch.Links.Select(l => l.Context.SpanId));
        Assert.DoesNotContain(messages.Take(3), m => m.Context.TraceId == batch.TraceId);
    }

    [Fact]
    public async Task ActivityCurrent_FlowsAcrossAwaitAndTaskRun_WithoutHelpers()
    {
        using var activity = _source.StartActivity("request")!;

        await Task.Yield();
        var afterAwait = Activity.Current;
        var inTaskRun = await Task.Run(() => Activity.Current);
        var onThreadPool = new TaskCompletionSource<Activity?>();
        ThreadPool.QueueUserWorkItem(_ => onThreadPool.SetResult(Activity.Current));

        Assert.Same(activity, afterAwait);
        Assert.Same(activity, inTaskRun);
        Assert.Same(activity, await onThreadPool.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task LongLivedChannelConsumer_ContinuesTheProducersTrace_OnlyThroughTheHelpers()
    {
        var channel = Channel.CreateUnbounded<(string Body, Dictionary<string, string> Headers)>();
        var results = Channel.CreateUnbounded<(Activity? Ambient, ActivityContext Consumer, ActivityContext? ConsumerParent)>();

        // The consumer starts before any request: the context it captured has no span.
        var consumer = Task.Run(async () =>
        {
            await foreach (var message in channel.Reader.ReadAllAsync())
            {
                var ambient = Activity.Current;
                using var span = TracingPropagation.StartConsumerActivity(message.Headers, "channel", "work");
                await results.Writer.WriteAsync((ambient, span!.Context, new ActivityContext(span.TraceId, span.ParentSpanId, span.ActivityTraceFlags)));
            }
        });

        ActivityContext producerContext;
        using (var request = _source.StartActivity("request")!)
        {
            var headers = new Dictionary<string, string>();
            using var producer = TracingPropagation.StartProducerActivity(headers, "channel", "work")!;
            producerContext = producer.Context;
            await channel.Writer.WriteAsync(("job", headers));
        }

        channel.Writer.Complete();
        var result = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await consumer.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result.Ambient);
        Assert.Equal(producerContext.TraceId, result.Consumer.TraceId);
        Assert.Equal(producerContext.SpanId, result.ConsumerParent!.Value.SpanId);
    }

    [Fact]
    public void Inject_WithoutASpan_WritesNothing()
    {
        Activity.Current = null;
        var headers = new Dictionary<string, string>();

        TracingPropagation.Inject(headers);

        Assert.Empty(headers);
    }

    [Fact]
    public void Inject_CarriesOpenTelemetryBaggageCurrent_Too()
    {
        using var activity = _source.StartActivity("op")!;
        Baggage.SetBaggage("fromOtel", "1");
        try
        {
            var headers = new Dictionary<string, string>();
            TracingPropagation.Inject(headers);

            Assert.Equal("fromOtel=1", headers["baggage"]);
        }
        finally
        {
            Baggage.ClearBaggage();
        }
    }
}

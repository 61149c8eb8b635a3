using System.Diagnostics;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// Holds the tests that depend on or change process-wide gRPC state, so they run alone: the process-wide
/// propagator (<see cref="DistributedContextPropagator.Current"/>, which hand-made channels inject with),
/// and OpenTelemetry's gRPC client instrumentation (it makes every Grpc.Net.Client call in the process a
/// recorded Activity).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GrpcProcessWidePropagatorGroup
{
    public const string Name = "gRPC process-wide propagator";
}

/// <summary><see cref="GrpcTracing.CreateHandler"/>: a hand-made channel's handler, without DI.</summary>
[Collection(GrpcProcessWidePropagatorGroup.Name)]
public sealed class GrpcTracingTests
{
    [Fact]
    public async Task CreateHandler_InjectsWithTheProcessWidePropagator_AndNothingElse()
    {
        await using var peer = await GrpcPeer.StartAsync();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var host = await TracedClientHost.StartAsync(receiver);

        var previous = DistributedContextPropagator.Current;
        DistributedContextPropagator.Current = new SpanIdPropagator();
        try
        {
            // Created after the propagator was set, as a channel made after AddTracing started is.
            using var client = new GrpcTestClient(GrpcTracing.CreateHandler(), peer.Address);
            var testId = Guid.NewGuid().ToString("N");
            string traceId, parentId;
            using (var parent = host.StartParent())
            {
                (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
                Assert.Equal(0, (await client.UnaryAsync("Unary", new EchoRequest(), testId: testId)).Status);
            }

            var spans = await receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId));
            var grpc = Assert.Single(spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Client);
            var call = await peer.WaitForCallAsync(testId);
            Assert.Equal(grpc.SpanId, call.OnlyValue(SpanIdPropagator.Header));

            // HttpClient's suppressed span injected nothing of its own.
            Assert.False(call.Metadata.ContainsKey("traceparent"));
        }
        finally
        {
            DistributedContextPropagator.Current = previous;
        }
    }

    [Fact]
    public void CreateHandler_WithoutInner_SendsThroughASocketsHttpHandler()
    {
        using var handler = GrpcTracing.CreateHandler();
        var delegating = Assert.IsAssignableFrom<DelegatingHandler>(handler);
        Assert.IsType<SocketsHttpHandler>(delegating.InnerHandler);
    }

    /// <summary>A format of its own: one header holding the span id, so the test sees exactly who injected.</summary>
    private sealed class SpanIdPropagator : DistributedContextPropagator
    {
        public const string Header = "x-test-span-id";

        public override IReadOnlyCollection<string> Fields { get; } = [Header];

        public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
        {
            if (activity is not null)
            {
                setter?.Invoke(carrier, Header, activity.SpanId.ToHexString());
            }
        }

        public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
        {
            traceId = null;
            traceState = null;
        }

        public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
    }
}

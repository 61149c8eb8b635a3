using System.Buffers.Binary;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>Trace ids, sampling parameters and a real OpenTelemetry provider around a sampler, for the sampling tests.</summary>
internal static class SamplingTestKit
{
    /// <summary>A trace id with the given 64-bit halves (high = first 16 hex digits).</summary>
    public static ActivityTraceId TraceId(ulong high, ulong low)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], low);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>A random 128-bit id, as W3C/OpenTelemetry callers make.</summary>
    public static ActivityTraceId Random128(Random random) => TraceId(NextUInt64(random) | 1UL << 40, NextUInt64(random));

    /// <summary>A 64-bit id from a B3 or Jaeger caller, zero-padded to 128 bits (high half all zero).</summary>
    public static ActivityTraceId ZeroPadded64(Random random)
    {
        ulong low;
        do
        {
            low = NextUInt64(random);
        }
        while (low == 0);
        return TraceId(0, low);
    }

    public static ulong NextUInt64(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    public static ulong Low(ActivityTraceId id) => Convert.ToUInt64(id.ToHexString()[16..], 16);

    public static SamplingParameters Root(ActivityTraceId traceId, string name = "work", ActivityKind kind = ActivityKind.Internal) =>
        new(default, traceId, name, kind);

    public static SamplingParameters Child(ActivityContext parent, string name = "child", ActivityKind kind = ActivityKind.Internal) =>
        new(parent, parent.TraceId, name, kind);

    public static ActivityContext RemoteParent(bool sampled) =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);

    public static bool IsSampled(this SamplingResult result) => result.Decision == SamplingDecision.RecordAndSample;

    public static object? Tag(this SamplingResult result, string key) =>
        result.Attributes.FirstOrDefault(a => a.Key == key).Value;

    /// <summary>A real provider over a unique source, with <paramref name="sampler"/>; ended spans are collected.</summary>
    public static SamplerProvider Provider(Sampler sampler) => new(sampler);

    /// <summary>Bytes allocated on this thread by <paramref name="action"/> run <paramref name="times"/> times (after a warm-up).</summary>
    public static long AllocatedBytes(Action action, int times = 10_000)
    {
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

/// <summary>An OpenTelemetry provider with one sampler and one unique source, keeping the spans that reached OnEnd.</summary>
internal sealed class SamplerProvider : IDisposable
{
    private readonly TracerProvider _provider;
    private readonly Collector _collector = new();

    public SamplerProvider(Sampler sampler)
    {
        Source = new ActivitySource($"Sampling.{Guid.NewGuid():N}");
        _provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(Source.Name)
            .SetSampler(sampler)
            .AddProcessor(_collector)
            .Build()!;
    }

    public ActivitySource Source { get; }

    /// <summary>Spans that ended recorded (what an exporter would receive).</summary>
    public IReadOnlyList<Activity> Ended => _collector.Ended;

    public void Dispose()
    {
        _provider.Dispose();
        Source.Dispose();
    }

    private sealed class Collector : BaseProcessor<Activity>
    {
        private readonly List<Activity> _ended = [];

        public IReadOnlyList<Activity> Ended
        {
            get { lock (_ended) { return _ended.ToList(); } }
        }

        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
            {
                lock (_ended)
                {
                    _ended.Add(data);
                }
            }
        }
    }
}

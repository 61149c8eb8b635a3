using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Tracing.Sdk.Exporters.JaegerUdp;

namespace Tracing.Sdk.Benchmarks.Exporters.JaegerUdp;

/// <summary>
/// Serialising spans (5 tags, 1 event) into emitBatch datagrams, per span, with a sink that drops the
/// datagram. OpenTelemetry .NET no longer ships a Jaeger exporter, so the baseline is the floor every
/// exporter pays: reading each field the serialiser reads (ids, times, tags, events) without writing.
/// </summary>
[MemoryDiagnoser]
public class JaegerSerializationBenchmarks
{
    private const int Spans = 512;

    private Activity[] _spans = [];
    private JaegerDatagramAssembler _compact = null!;
    private JaegerDatagramAssembler _binary = null!;

    [GlobalSetup]
    public void Setup()
    {
        _spans = BenchmarkSpans.Create(Spans);
        _compact = Create(compact: true);
        _binary = Create(compact: false);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Spans)]
    public long ReadFieldsOnly()
    {
        long sum = 0;
        foreach (var span in _spans)
        {
            sum += span.TraceId.GetHashCode() + span.SpanId.GetHashCode() + span.StartTimeUtc.Ticks + span.Duration.Ticks + span.DisplayName.Length;
            foreach (ref readonly var tag in span.EnumerateTagObjects())
            {
                sum += tag.Key.Length + (tag.Value is null ? 0 : 1);
            }

            foreach (ref readonly var e in span.EnumerateEvents())
            {
                sum += e.Name.Length + e.Timestamp.Ticks;
                foreach (ref readonly var tag in e.EnumerateTagObjects())
                {
                    sum += tag.Key.Length;
                }
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public long Compact() => Serialize(_compact);

    [Benchmark(OperationsPerInvoke = Spans)]
    public long Binary() => Serialize(_binary);

    private static JaegerDatagramAssembler Create(bool compact)
    {
        var writer = compact ? (ThriftWriter)new ThriftCompactWriter() : new ThriftBinaryWriter();
        var process = JaegerProcessWriter.Serialize(writer, "orders", [new("host.name", "bench"), new("process.pid", 42L)], Guid.NewGuid().ToString());
        return new JaegerDatagramAssembler(compact, 65000, process, static (_, _) => true);
    }

    private long Serialize(JaegerDatagramAssembler assembler)
    {
        foreach (var span in _spans)
        {
            assembler.Append(span);
        }

        assembler.Flush();
        return assembler.Totals.SpansSent;
    }
}

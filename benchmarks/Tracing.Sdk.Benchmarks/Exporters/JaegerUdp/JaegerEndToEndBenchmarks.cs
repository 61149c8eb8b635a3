using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.JaegerUdp;

namespace Tracing.Sdk.Benchmarks.Exporters.JaegerUdp;

/// <summary>
/// End to end, per span: ended spans through OpenTelemetry's batch processor and the Jaeger UDP
/// exporter to a loopback UDP receiver, waiting until the receiver has every datagram the exporter
/// sent (an iteration that loses one fails the run). The baseline is the same batch processor with
/// an exporter that discards the spans.
/// </summary>
[MemoryDiagnoser]
public class JaegerEndToEndBenchmarks
{
    private const int Spans = 65_536;

    private Activity[] _spans = [];
    private Socket _receiver = null!;
    private Thread _receiving = null!;
    private long _received;
    private JaegerUdpExporter _exporter = null!;
    private BatchActivityExportProcessor _processor = null!;
    private BatchActivityExportProcessor _discarding = null!;

    [GlobalSetup]
    public void Setup()
    {
        _spans = BenchmarkSpans.Create(Spans);
        _receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 * 1024 * 1024 };
        _receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiving = new Thread(Receive) { IsBackground = true, Name = "udp receiver" };
        _receiving.Start();

        var options = new JaegerUdpOptions { Host = "127.0.0.1", Port = ((IPEndPoint)_receiver.LocalEndPoint!).Port };
        _exporter = new JaegerUdpExporter(options, "bench", new TracingMetrics(), TimeProvider.System);
        _processor = new BatchActivityExportProcessor(_exporter, maxQueueSize: Spans * 2, scheduledDelayMilliseconds: 1000, exporterTimeoutMilliseconds: 30000, maxExportBatchSize: 512);
        _discarding = new BatchActivityExportProcessor(new DiscardingExporter(), maxQueueSize: Spans * 2, scheduledDelayMilliseconds: 1000, exporterTimeoutMilliseconds: 30000, maxExportBatchSize: 512);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Spans)]
    public void BatchProcessorOnly()
    {
        foreach (var span in _spans)
        {
            _discarding.OnEnd(span);
        }

        _discarding.ForceFlush();
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public void ToLoopbackReceiver()
    {
        foreach (var span in _spans)
        {
            _processor.OnEnd(span);
        }

        _processor.ForceFlush();

        // Delivered, not just sent: wait (bounded) until the receiver has every datagram.
        var sent = _exporter.Totals;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        var spinner = default(SpinWait);
        while (Interlocked.Read(ref _received) < sent.DatagramsSent)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"lost datagrams: sent {sent.DatagramsSent}, received {Interlocked.Read(ref _received)}");
            }

            spinner.SpinOnce(); // yields, then sleeps: the receiver thread needs the core on a 2-core machine
        }

        if (sent.SpansFailed + sent.SpansTooLarge > 0)
        {
            throw new InvalidOperationException($"spans not sent: {sent}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _processor.Dispose();
        _discarding.Dispose();
        _receiver.Dispose();
    }

    private void Receive()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                _receiver.Receive(buffer);
                Interlocked.Increment(ref _received);
            }
        }
        catch (SocketException)
        {
            // closed at cleanup
        }
        catch (ObjectDisposedException)
        {
            // closed at cleanup
        }
    }

    private sealed class DiscardingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}

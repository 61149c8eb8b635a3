using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;
using Xunit.Abstractions;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary>
/// A web app under steady load while its collector is down for ten seconds, both OTLP protocols at
/// once (one app each): requests are no slower than before the outage, the export queue never holds
/// more than its size, every span the queue could not keep is counted, and export resumes by itself.
/// </summary>
[Collection(ExportAccountingIsolation.Name)]
public sealed class OtlpOutageUnderLoadTests(ITestOutputHelper output)
{
    private const int QueueSize = 400;
    private const int BatchSize = 50;
    private static readonly TimeSpan Healthy = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task CollectorDownTenSecondsMidLoad_RequestsUnaffected_QueueBounded_DropsCounted_ExportResumes()
    {
        var runs = await Task.WhenAll(RunAsync("grpc"), RunAsync("http/protobuf"));

        foreach (var run in runs)
        {
            output.WriteLine(run.ToString());
            var totals = run.Totals;

            // Exactly accounted for: every request's server span is exported or dropped for a reason.
            Assert.True(totals.Balanced, totals.ToString());
            Assert.Equal(run.Served, totals.Received);
            Assert.Equal(0, totals.Queued);
            Assert.Equal(0, totals.InFlight);

            // Every span the collector acknowledged arrived. A batch the collector received but whose
            // answer never came back (it went down mid-request, or answered after the export timeout and
            // the retries ran out) is an export failure to the exporter, which cannot know better: such
            // spans arrive without counting as exported, never the other way round.
            Assert.InRange(run.ArrivedUnique, totals.Exported, totals.Exported + totals.DroppedFor(DropReason.ExportFailed));
            Assert.True(totals.DroppedFor(DropReason.QueueFull) > 0, totals.ToString());
            Assert.True(totals.DroppedFor(DropReason.ExportFailed) > 0, totals.ToString());
            Assert.Equal(totals.Dropped, totals.DroppedFor(DropReason.QueueFull) + totals.DroppedFor(DropReason.ExportFailed));

            // Memory is bounded by the queue: never more spans held than it and one batch in flight.
            Assert.InRange(run.MaxQueued, 1, QueueSize);
            Assert.InRange(run.MaxInFlight, 0, BatchSize);

            // The application does not feel the outage. A generous bound: on a shared machine every
            // phase has its stalls (all clients at once, whatever the collector does); an export that
            // held a request thread would cost it the export timeout, a second.
            Assert.True(
                run.OutageP99 <= (run.HealthyP99 * 5) + TimeSpan.FromMilliseconds(100),
                $"p99 {run.OutageP99.TotalMilliseconds:0.0} ms during the outage, {run.HealthyP99.TotalMilliseconds:0.0} ms before");

            Assert.True(run.ArrivedAfterRestart > 0, "nothing was exported after the collector came back");
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> latencies, double fraction)
    {
        var sorted = latencies.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * fraction) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Two paced clients call the app until <paramref name="until"/> says stop; returns each call's latency.</summary>
    private static async Task<List<TimeSpan>> LoadAsync(HttpClient client, Func<bool> until)
    {
        var all = new List<TimeSpan>();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            // The load's own HttpClient spans are not the app's (with one host in the process they would
            // be counted as its spans): only the server spans of the requests are.
            using var untraced = SuppressInstrumentationScope.Begin();
            var mine = new List<TimeSpan>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!until() && DateTime.UtcNow < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync("/work");
                response.EnsureSuccessStatusCode();
                mine.Add(Stopwatch.GetElapsedTime(started));
                await Task.Delay(5); // pacing: a steady load, not a saturating one
            }

            lock (all)
            {
                all.AddRange(mine);
            }
        })));
        return all;
    }

    private static async Task<Run> RunAsync(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"load-{Guid.NewGuid():N}";
        var settings = TracingHost.OtlpSettings(receiver, service, protocol);
        settings["Tracing:Batch:MaxQueueSize"] = QueueSize.ToString(CultureInfo.InvariantCulture);
        settings["Tracing:Batch:MaxExportBatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture);
        settings["Tracing:Batch:ScheduledDelayMilliseconds"] = "100";
        settings["Tracing:Otlp:TimeoutMilliseconds"] = "1000";
        var served = 0;
        var app = await TracingHost.StartWebAsync(settings, app => app.MapGet("/work", () =>
        {
            Interlocked.Increment(ref served);
            return Results.Text("ok");
        }));
        var ledger = app.Services.Ledger(ExporterNames.Otlp);
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };

        // Warm up (JIT, connections) before the healthy figures are taken.
        var warmUp = 0;
        await LoadAsync(client, () => Interlocked.Increment(ref warmUp) > 100);

        var phase = Stopwatch.StartNew();
        var healthy = await LoadAsync(client, () => phase.Elapsed >= Healthy);

        await receiver.StopAsync();
        long maxQueued = 0, maxInFlight = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxQueued = Math.Max(maxQueued, ledger.Queued);
                maxInFlight = Math.Max(maxInFlight, ledger.InFlight);
                await Task.Delay(20);
            }
        });
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        phase.Restart();
        var outage = await LoadAsync(client, () => phase.Elapsed >= Outage);
        var heapDuring = GC.GetTotalMemory(forceFullCollection: false);
        await sampling.CancelAsync();
        await sampler;

        var arrivedBefore = receiver.Spans.Count(s => s.ServiceName == service);
        await receiver.RestartAsync();
        await LoadAsync(client, () => receiver.Spans.Count(s => s.ServiceName == service) > arrivedBefore);
        await app.StopAsync();
        await app.DisposeAsync();

        var arrived = receiver.Spans.Where(s => s.ServiceName == service).Select(s => s.SpanId).ToList();
        return new Run(
            protocol,
            Volatile.Read(ref served),
            ledger.Totals,
            arrived.Distinct().Count(),
            arrived.Distinct().Count() - arrivedBefore,
            maxQueued,
            maxInFlight,
            Percentile(healthy, 0.5),
            Percentile(healthy, 0.99),
            Percentile(outage, 0.5),
            Percentile(outage, 0.99),
            healthy.Count,
            outage.Count,
            heapDuring - heapBefore);
    }

    private sealed record Run(
        string Protocol,
        long Served,
        ExportTotals Totals,
        int ArrivedUnique,
        int ArrivedAfterRestart,
        long MaxQueued,
        long MaxInFlight,
        TimeSpan HealthyP50,
        TimeSpan HealthyP99,
        TimeSpan OutageP50,
        TimeSpan OutageP99,
        int HealthyRequests,
        int OutageRequests,
        long HeapGrowth)
    {
        public override string ToString() =>
            $"{Protocol}: served {Served}; p50/p99 {HealthyP50.TotalMilliseconds:0.0}/{HealthyP99.TotalMilliseconds:0.0} ms healthy ({HealthyRequests} requests), " +
            $"{OutageP50.TotalMilliseconds:0.0}/{OutageP99.TotalMilliseconds:0.0} ms collector down ({OutageRequests} requests); queue max {MaxQueued}/{QueueSize}, " +
            $"in flight max {MaxInFlight}; managed heap {HeapGrowth / 1024.0:0} KiB apart across the outage (process-wide); " +
            $"{ArrivedAfterRestart} spans arrived after the restart; {Totals}";
    }
}

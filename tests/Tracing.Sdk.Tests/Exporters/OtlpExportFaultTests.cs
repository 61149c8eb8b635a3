using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;
using Xunit.Abstractions;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary>
/// The OTLP exporter of an <c>AddTracing()</c> host against a collector that misbehaves, for both
/// protocols: a short outage loses nothing, a slow collector never makes the application wait, a
/// collector that is gone at stop cannot hold the stop past its timeout, and every span is accounted for.
/// </summary>
[Collection(ExportAccountingIsolation.Name)]
public sealed class OtlpExportFaultTests(ITestOutputHelper output)
{
    private const int Spans = 500;
    private const int BatchSize = 100;

    [Theory]
    [InlineData("grpc", "UNAVAILABLE x3")]
    [InlineData("grpc", "RESOURCE_EXHAUSTED with RetryInfo x3")]
    [InlineData("grpc", "DEADLINE_EXCEEDED in trailers x3")]
    [InlineData("grpc", "ABORTED, OUT_OF_RANGE, DATA_LOSS")]
    [InlineData("grpc", "HTTP 503 from a proxy x3")]
    [InlineData("grpc", "connection closed x3")]
    [InlineData("http/protobuf", "HTTP 503 x3")]
    [InlineData("http/protobuf", "HTTP 429 Retry-After 1, 502, 504")]
    [InlineData("http/protobuf", "connection closed x3")]
    public async Task ThreeFailedRequests_LoseNothing_EverySpanArrivesExactlyOnce(string protocol, string outage)
    {
        var run = await RunOutageAsync(protocol, outage, OtlpRetryMode.Memory);

        Assert.Equal(0, run.Lost);
        Assert.Equal(Spans, run.Arrived);
        Assert.Equal(0, run.Duplicates);
        Assert.Equal(3, run.Totals.Retries);
        Assert.Equal(Spans, run.Totals.Exported);
        Assert.Equal(0, run.Totals.Dropped);
    }

    [Theory]
    [InlineData("grpc", "UNAVAILABLE x3")]
    [InlineData("http/protobuf", "HTTP 503 x3")]
    public async Task WithoutRetry_TheSameOutageLosesTheThreeBatches_Counted(string protocol, string outage)
    {
        var run = await RunOutageAsync(protocol, outage, OtlpRetryMode.None);

        Assert.Equal(3 * BatchSize, run.Lost);
        Assert.Equal(0, run.Totals.Retries);
        Assert.Equal(3 * BatchSize, run.Totals.DroppedFor(DropReason.ExportFailed));
        Assert.Equal(Spans - (3 * BatchSize), run.Totals.Exported);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task NonTransientStatus_IsNotRetried_AndItsBatchIsCountedAsFailed(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.FailNext(protocol == "grpc" ? OtlpFault.Grpc(3) : OtlpFault.Http(400)); // INVALID_ARGUMENT / Bad Request
        var sourceName = $"Final.{Guid.NewGuid():N}";
        using var host = TracingWorker.Build(Settings(receiver, protocol, sourceName, OtlpRetryMode.Memory));
        await host.StartAsync();
        EndSpans(sourceName, BatchSize);
        await host.StopAsync();

        var totals = host.Services.Ledger(ExporterNames.Otlp).Totals;
        Assert.Single(receiver.Attempts);
        Assert.Equal(0, totals.Retries);
        Assert.Equal(BatchSize, totals.DroppedFor(DropReason.ExportFailed));
        Assert.True(totals.Balanced, totals.ToString());
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task SlowCollector_TheApplicationNeverWaitsForIt(string protocol)
    {
        // The collector takes each request and sits on it; the export timeout is longer than the test.
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.FailEvery(OtlpFault.Delay(TimeSpan.FromSeconds(60)));
        var sourceName = $"Slow.{Guid.NewGuid():N}";
        var settings = Settings(receiver, protocol, sourceName, OtlpRetryMode.Memory);
        settings["Tracing:Batch:MaxQueueSize"] = "100";
        settings["Tracing:Batch:MaxExportBatchSize"] = "50";
        settings["Tracing:Otlp:TimeoutMilliseconds"] = "60000";
        using var host = TracingWorker.Build(settings, b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1)));
        var ledger = host.Services.Ledger(ExporterNames.Otlp);
        await host.StartAsync();
        EndSpans(sourceName, 50);
        await receiver.WaitForAttemptsAsync(1);

        // The export is held by the collector. 5,000 more spans end on this thread; had ending a span
        // waited for the exporter, this would still be waiting when the checks below run.
        var stopwatch = Stopwatch.StartNew();
        EndSpans(sourceName, 5000);
        stopwatch.Stop();

        var held = ledger.Totals;
        Assert.Single(receiver.Attempts);
        Assert.Equal(50, held.InFlight);
        Assert.Equal(100, held.Queued);
        Assert.Equal(4900, held.DroppedFor(DropReason.QueueFull));
        Assert.True(held.Balanced, held.ToString());
        output.WriteLine($"{protocol}: 5000 spans ended in {stopwatch.Elapsed.TotalMilliseconds:0.0} ms while the collector held the export");

        // Stopping cannot wait for the collector either: the held export is cancelled, the queue counted.
        var stopping = Stopwatch.StartNew();
        await host.StopAsync();
        stopping.Stop();
        var totals = await ledger.SettledAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopping.Elapsed}");
        AssertAccountedFor(totals, received: 5050, (DropReason.QueueFull, 4900), (DropReason.ShutdownTimeout, 100), (DropReason.ExportFailed, 50));
        receiver.FailEvery(null);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task CollectorGoneAtStop_StopEndsWithinTheShutdownTimeout_AndCountsWhatItDropped(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var logs = new ScopeCapturingLoggerProvider();
        var sourceName = $"GoneAtStop.{Guid.NewGuid():N}";
        var settings = Settings(receiver, protocol, sourceName, OtlpRetryMode.Memory);
        settings["Tracing:Batch:MaxExportBatchSize"] = "512";
        settings["Tracing:Otlp:TimeoutMilliseconds"] = "10000";
        using var host = TracingWorker.Build(settings, b =>
        {
            b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
            b.Logging.AddProvider(logs);
        });
        var ledger = host.Services.Ledger(ExporterNames.Otlp);
        await host.StartAsync();
        await receiver.StopAsync();
        EndSpans(sourceName, 3000);

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        stopwatch.Stop();
        var totals = await ledger.SettledAsync();

        // The host's 2 s, plus what a busy machine adds around it; retrying alone would take 10 s.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"stop took {stopwatch.Elapsed}");
        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(3000, totals.Received);
        Assert.Equal(0, totals.Exported);
        Assert.Equal(3000, totals.Dropped);
        Assert.True(totals.DroppedFor(DropReason.ShutdownTimeout) > 0, totals.ToString());
        Assert.True(totals.DroppedFor(DropReason.ExportFailed) > 0, totals.ToString());
        Assert.True(totals.Retries > 0, totals.ToString());
        // The export the stop cut short reports last, from the export thread.
        await WaitUntilAsync(() => logs.Entries.Any(e => e.Message.StartsWith("Exporter otlp stopped while failing", StringComparison.Ordinal)));
        Assert.Single(logs.Entries, e => e.Message.StartsWith("Exporter otlp is failing: cannot connect to the collector", StringComparison.Ordinal));
        Assert.Single(logs.Entries, e => e.Message.StartsWith("Exporter otlp stopped while failing", StringComparison.Ordinal));
        output.WriteLine($"{protocol}: stop took {stopwatch.Elapsed.TotalMilliseconds:0} ms; {totals}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static OtlpFault[] Outage(string outage) => outage switch
    {
        "UNAVAILABLE x3" => [OtlpFault.Unavailable, OtlpFault.Unavailable, OtlpFault.Unavailable],
        "RESOURCE_EXHAUSTED with RetryInfo x3" => [.. Enumerable.Repeat(OtlpFault.Grpc(8, TimeSpan.FromMilliseconds(100)), 3)],
        "DEADLINE_EXCEEDED in trailers x3" => [.. Enumerable.Repeat(OtlpFault.Grpc(4, trailersOnly: false), 3)],
        "ABORTED, OUT_OF_RANGE, DATA_LOSS" => [OtlpFault.Grpc(10), OtlpFault.Grpc(11), OtlpFault.Grpc(15)],
        "HTTP 503 from a proxy x3" or "HTTP 503 x3" => [.. Enumerable.Repeat(OtlpFault.Http(503), 3)],
        "HTTP 429 Retry-After 1, 502, 504" => [OtlpFault.Http(429, "1"), OtlpFault.Http(502), OtlpFault.Http(504)],
        "connection closed x3" => [OtlpFault.CloseConnection, OtlpFault.CloseConnection, OtlpFault.CloseConnection],
        _ => throw new ArgumentOutOfRangeException(nameof(outage), outage, "no such outage"),
    };

    private static Dictionary<string, string?> Settings(OtlpReceiver receiver, string protocol, string sourceName, OtlpRetryMode retry) => new()
    {
        ["Tracing:ServiceName"] = "faults",
        ["Tracing:Sources:0"] = sourceName,
        ["Tracing:Exporters:0"] = "otlp",
        ["Tracing:Otlp:Protocol"] = protocol,
        ["Tracing:Otlp:Endpoint"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
        ["Tracing:Otlp:Retry"] = retry.ToString(),
        ["Tracing:Batch:MaxExportBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Only full batches go before the stop, so the same spans meet the same faults in every run.
        ["Tracing:Batch:ScheduledDelayMilliseconds"] = "60000",
    };

    private static List<string> EndSpans(string sourceName, int count)
    {
        using var source = new ActivitySource(sourceName);
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            using var activity = source.StartActivity("work");
            if (activity is not null)
            {
                ids.Add(activity.SpanId.ToHexString());
            }
        }

        return ids;
    }

    private static void AssertAccountedFor(ExportTotals totals, long received, params (DropReason Reason, long Count)[] dropped)
    {
        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(received, totals.Received);
        Assert.Equal(0, totals.Queued);
        Assert.Equal(0, totals.InFlight);
        foreach (var (reason, count) in dropped)
        {
            Assert.True(count == totals.DroppedFor(reason), $"{DropReasons.Name(reason)}: {totals}");
        }
    }

    private async Task<OutageRun> RunOutageAsync(string protocol, string outage, OtlpRetryMode retry)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.FailNext(Outage(outage));
        var sourceName = $"Outage.{Guid.NewGuid():N}";
        using var host = TracingWorker.Build(Settings(receiver, protocol, sourceName, retry));
        await host.StartAsync();
        var ended = EndSpans(sourceName, Spans);
        await host.StopAsync();

        var arrived = receiver.Spans.Where(s => s.ScopeName == sourceName).Select(s => s.SpanId).ToList();
        var totals = host.Services.Ledger(ExporterNames.Otlp).Totals;
        var run = new OutageRun(ended.Except(arrived).Count(), arrived.Distinct().Count(), arrived.Count - arrived.Distinct().Count(), totals);
        output.WriteLine($"{protocol}, {outage}, retry {retry}: {run.Lost} of {Spans} lost; attempts {receiver.Attempts.Count}; {totals}");

        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(Spans, totals.Received);
        Assert.Equal(run.Lost, totals.Dropped);
        Assert.Equal(arrived.Distinct().Count(), totals.Exported);
        return run;
    }

    private sealed record OutageRun(int Lost, int Arrived, int Duplicates, ExportTotals Totals);
}

using System.Diagnostics;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Samples;

/// <summary>
/// README's first command: the demo runs with no collector, prints one waterfall per trace (front
/// -HTTP-> orders -gRPC-> inventory) and exits by itself.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_PrintsAMultiServiceWaterfallPerRequest_AndExits()
    {
        var (exitCode, output) = await RunDemoAsync(new Dictionary<string, string>());

        Assert.Equal(0, exitCode);
        var blocks = output.Split('\n').Where(l => l.StartsWith("trace ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, b => Assert.Contains("7 span(s), 3 service(s)", b, StringComparison.Ordinal));

        // orders -> inventory is a gRPC call: the interceptor's client span and the server span, per trace.
        Assert.Equal(6, output.Split('\n').Count(l => l.Contains("demo.Inventory/Reserve", StringComparison.Ordinal) && !l.Contains("traces_span_metrics", StringComparison.Ordinal)));
        Assert.Contains("-> 502", output, StringComparison.Ordinal);
        Assert.Contains("ERROR", output, StringComparison.Ordinal);
        Assert.Matches(@"TraceId:[0-9a-f]{32}", output);

        // The span metrics, scraped from the front service: its route counted three times, one of them an error.
        Assert.Matches(@"traces_span_metrics_calls_total\{[^\n]*service_name=""front""[^\n]*span_kind=""SPAN_KIND_SERVER""[^\n]*span_name=""GET /checkout/\{sku\}""[^\n]*status_code=""STATUS_CODE_UNSET""\} 2", output);
        Assert.Matches(@"traces_span_metrics_calls_total\{[^\n]*service_name=""front""[^\n]*span_name=""GET /checkout/\{sku\}""[^\n]*status_code=""STATUS_CODE_ERROR""\} 1", output);
        Assert.Matches(@"traces_span_metrics_duration_milliseconds_bucket\{[^\n]*\} \d+ # \{[^\n]*trace_id=""[0-9a-f]{32}""", output);
    }

    [Fact]
    public async Task Demo_WithAnOtlpEndpoint_AlsoSendsTheTracesThere()
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        var (exitCode, _) = await RunDemoAsync(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint });

        Assert.Equal(0, exitCode);
        var services = receiver.Spans.Select(s => s.ServiceName).Distinct().Order().ToList();
        Assert.Equal(["front", "inventory", "orders"], services);
        Assert.Equal(3, receiver.Spans.Where(s => s.ScopeName == "Demo.Driver").Select(s => s.TraceId).Distinct().Count());
        Assert.Contains(receiver.MetricPoints, p => p.Name == "traces.span.metrics.calls" && (string?)p["service.name"] == "front");
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(Dictionary<string, string> environment)
    {
        var root = Directory.GetParent(NodePeer.PeersDirectory)!.Parent!.FullName;
        var dll = Directory.GetFiles(Path.Combine(root, "samples", "Tracing.Sdk.Demo", "bin"), "Tracing.Sdk.Demo.dll", SearchOption.AllDirectories)
            .Where(p => p.Contains("net10.0", StringComparison.Ordinal))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .First();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

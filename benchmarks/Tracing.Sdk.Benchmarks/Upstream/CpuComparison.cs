using System.Diagnostics;
using System.Globalization;
using Tracing.Sdk.Benchmarks.AspNetCore;
using Tracing.Sdk.Benchmarks.Grpc;
using Tracing.Sdk.Benchmarks.Http;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.Upstream;

/// <summary>
/// Not a BenchmarkDotNet benchmark: CPU time per request of the upstream comparison's benchmarks,
/// a figure that a busy shared machine disturbs far less than elapsed time (other processes take
/// turns on the cores, but the process's own CPU time is what its work costs). Each variant runs in a
/// process of its own (as BenchmarkDotNet runs them), the variants alternating in every round so that
/// a change of load hits all of them alike; the median over the rounds is reported. Run with
/// <c>-- --cpu [rounds] [operations]</c>; a child runs <c>-- --cpu-child {target} {variant} {operations}</c>.
/// </summary>
internal static class CpuComparison
{
    private const int Concurrency = 8;

    private static readonly string[] s_targets = ["aspnetcore", "http", "grpc"];

    private static readonly TracingVariant[] s_variants =
        [TracingVariant.None, TracingVariant.OpenTelemetry, TracingVariant.AddTracing, TracingVariant.AddTracingAndOpenTelemetry];

    public static async Task RunAsync(TextWriter output, int rounds, int operations)
    {
        var results = new Dictionary<(string Target, TracingVariant Variant), List<Measurement>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in s_targets)
            {
                for (var i = 0; i < s_variants.Length; i++)
                {
                    // Rotate the order each round: no variant always runs first or last.
                    var variant = s_variants[(i + round) % s_variants.Length];
                    var measurement = await RunChildProcessAsync(target, variant, operations);
                    if (!results.TryGetValue((target, variant), out var list))
                    {
                        results[(target, variant)] = list = [];
                    }

                    list.Add(measurement);
                    Console.Error.WriteLine($"round {round + 1}/{rounds} {target} {variant}: {measurement}");
                }
            }
        }

        output.WriteLine();
        output.WriteLine($"CPU time per request, median of {rounds} rounds ({operations * Concurrency} requests per variant and round, {Concurrency} in flight):");
        output.WriteLine();
        output.WriteLine("| Benchmark | Variant | CPU µs/request | vs no tracing | vs OpenTelemetry | elapsed µs/request | allocated B/request | CPU µs, every round |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var target in s_targets)
        {
            var none = Median(results[(target, TracingVariant.None)], static m => m.CpuMicroseconds);
            var otel = Median(results[(target, TracingVariant.OpenTelemetry)], static m => m.CpuMicroseconds);
            foreach (var variant in s_variants)
            {
                var list = results[(target, variant)];
                var cpu = Median(list, static m => m.CpuMicroseconds);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {target} | {Label(variant)} | {cpu:F1} | {cpu / none:F2} | {cpu / otel:F2} | {Median(list, static m => m.WallMicroseconds):F1} | {Median(list, static m => m.AllocatedBytes):F0} | {string.Join(" ", list.Select(static m => m.CpuMicroseconds.ToString("F1", CultureInfo.InvariantCulture)))} |"));
            }
        }
    }

    /// <summary>In the child process: sets up one variant of one benchmark, warms up, measures.</summary>
    public static async Task RunChildAsync(TextWriter output, string target, TracingVariant variant, int operations)
    {
        var (operation, cleanup) = Create(target, variant);
        try
        {
            for (var i = 0; i < Math.Max(500, operations / 2); i++)
            {
                await operation();
            }

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < operations; i++)
            {
                await operation();
            }

            clock.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var requests = (double)operations * Concurrency;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cpu.TotalMicroseconds / requests:R} {clock.Elapsed.TotalMicroseconds / requests:R} {allocated / requests:R}"));
        }
        finally
        {
            cleanup();
        }
    }

    private static (Func<Task> Operation, Action Cleanup) Create(string target, TracingVariant variant)
    {
        switch (target)
        {
            case "aspnetcore":
                var aspNetCore = new AspNetCoreRequestBenchmarks();
                Setup(variant, aspNetCore.SetupNoTracing, aspNetCore.SetupOpenTelemetry, aspNetCore.SetupAddTracing, aspNetCore.SetupBoth);
                return (aspNetCore.NoTracing, aspNetCore.Cleanup);
            case "http":
                var http = new HttpClientCallBenchmarks();
                Setup(variant, http.SetupNoTracing, http.SetupOpenTelemetry, http.SetupAddTracing, http.SetupBoth);
                return (http.NoTracing, http.Cleanup);
            case "grpc":
                var grpc = new GrpcInstrumentationBenchmarks();
                Setup(variant, grpc.SetupNoTracing, grpc.SetupOpenTelemetry, grpc.SetupAddTracing, grpc.SetupBoth);
                return (grpc.NoTracing, grpc.Cleanup);
            default:
                throw new ArgumentException($"Unknown benchmark '{target}'.", nameof(target));
        }
    }

    private static void Setup(TracingVariant variant, Action none, Action openTelemetry, Action addTracing, Action both)
    {
        var setup = variant switch
        {
            TracingVariant.None => none,
            TracingVariant.OpenTelemetry => openTelemetry,
            TracingVariant.AddTracing => addTracing,
            _ => both,
        };
        setup();
    }

    private static async Task<Measurement> RunChildProcessAsync(string target, TracingVariant variant, int operations)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };

        // Idle thread-pool threads spin before they sleep; on a busy machine that spinning is CPU time
        // the process spends waiting, not working. Without it, CPU time is the work.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        var self = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.FileName = self;
            start.ArgumentList.Add(typeof(CpuComparison).Assembly.Location);
        }
        else
        {
            start.FileName = self;
        }

        foreach (var argument in (string[])["--cpu-child", target, variant.ToString(), operations.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        string line;
        try
        {
            line = await child.StandardOutput.ReadToEndAsync(timeout.Token);
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"{target} {variant}: the child ran longer than 5 minutes and was stopped.");
        }

        var parts = line.Trim().Split(' ');
        if (child.ExitCode != 0 || parts.Length != 3)
        {
            throw new InvalidOperationException($"{target} {variant}: the child exited with {child.ExitCode} and printed '{line}'.");
        }

        return new Measurement(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static double Median(List<Measurement> measurements, Func<Measurement, double> value)
    {
        var sorted = measurements.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Label(TracingVariant variant) => variant switch
    {
        TracingVariant.None => "no tracing",
        TracingVariant.OpenTelemetry => "OpenTelemetry + package",
        TracingVariant.AddTracing => "AddTracing",
        _ => "AddTracing + package",
    };

    private readonly record struct Measurement(double CpuMicroseconds, double WallMicroseconds, double AllocatedBytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cpu {CpuMicroseconds:F1} µs, elapsed {WallMicroseconds:F1} µs, {AllocatedBytes:F0} B per request");
    }
}

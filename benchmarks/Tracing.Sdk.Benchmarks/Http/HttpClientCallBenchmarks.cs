using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.Http;

/// <summary>
/// HttpClient calls (<c>GET /hello/{id}</c>, HTTP/1.1 keep-alive, <see cref="Concurrency"/> in flight)
/// to a Kestrel server on 127.0.0.1 that is not traced (a web host of its own without tracing: AddTracing
/// records only its own host's requests, and OpenTelemetry's HttpClient instrumentation listens to no
/// server). The calls are made by <c>new HttpClient()</c> under a span of the benchmark's own source,
/// as a call made while serving a request would be, so the span measured is HttpClient's client span,
/// a child. Variants in one run: no tracing (baseline), OpenTelemetry's <c>Instrumentation.Http</c>,
/// <c>AddTracing()</c>, and both on one provider, each in a worker host of its own; same sampler and
/// export processor (a batch processor and a discarding exporter). One operation is one call;
/// allocations are the whole process's, the server's included.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[Config(typeof(AllocatedBytesConfig))]
public class HttpClientCallBenchmarks
{
    /// <summary>Calls in flight per operation.</summary>
    public const int Concurrency = 8;

    private readonly Task<string>[] _calls = new Task<string>[Concurrency];
    private WebApplication _server = null!;
    private IHost? _tracing;
    private ActivitySource _parentSource = null!;
    private Activity? _parent;
    private HttpClient _client = null!;
    private Uri _uri = null!;

    [GlobalSetup(Target = nameof(NoTracing))]
    public void SetupNoTracing() => Setup(TracingVariant.None);

    [GlobalSetup(Target = nameof(OpenTelemetryHttp))]
    public void SetupOpenTelemetry() => Setup(TracingVariant.OpenTelemetry);

    [GlobalSetup(Target = nameof(AddTracing))]
    public void SetupAddTracing() => Setup(TracingVariant.AddTracing);

    [GlobalSetup(Target = nameof(AddTracingAndOpenTelemetryHttp))]
    public void SetupBoth() => Setup(TracingVariant.AddTracingAndOpenTelemetry);

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _parent?.Dispose();
        _parentSource.Dispose();
        BenchmarkHosts.StopAsync(_tracing).GetAwaiter().GetResult();
        BenchmarkHosts.StopAsync(_server).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "no tracing", OperationsPerInvoke = Concurrency)]
    public Task NoTracing() => CallAsync();

    [Benchmark(Description = "OpenTelemetry + Instrumentation.Http", OperationsPerInvoke = Concurrency)]
    public Task OpenTelemetryHttp() => CallAsync();

    [Benchmark(Description = "AddTracing", OperationsPerInvoke = Concurrency)]
    public Task AddTracing() => CallAsync();

    [Benchmark(Description = "AddTracing + Instrumentation.Http", OperationsPerInvoke = Concurrency)]
    public Task AddTracingAndOpenTelemetryHttp() => CallAsync();

    private void Setup(TracingVariant variant)
    {
        _server = BenchmarkHosts.StartServerAsync(TracingVariant.None, static _ => { }, TracingSetup.DiscardingBatch, HttpProtocols.Http1)
            .GetAwaiter().GetResult();
        _tracing = BenchmarkHosts.StartTracingAsync(variant, static t => t.AddHttpClientInstrumentation(), TracingSetup.DiscardingBatch)
            .GetAwaiter().GetResult();

        // The span the calls run under: Activity.Current for the rest of this (synchronous) setup's
        // thread, which runs the iterations; null when nothing listens.
        _parentSource = new ActivitySource(TracingSetup.ParentSourceName);
        _parent = _parentSource.StartActivity("parent");
        if ((_parent is null) != (variant == TracingVariant.None))
        {
            throw new InvalidOperationException($"{variant}: the parent span was {(_parent is null ? "not " : string.Empty)}recorded.");
        }

        _client = new HttpClient();
        _uri = new Uri(BenchmarkHosts.BaseAddress(_server), "/hello/42");
    }

    private async Task CallAsync()
    {
        if (!ReferenceEquals(Activity.Current, _parent))
        {
            throw new InvalidOperationException("The calls do not run under the benchmark's parent span.");
        }

        for (var i = 0; i < _calls.Length; i++)
        {
            _calls[i] = _client.GetStringAsync(_uri);
        }

        await Task.WhenAll(_calls);
    }
}

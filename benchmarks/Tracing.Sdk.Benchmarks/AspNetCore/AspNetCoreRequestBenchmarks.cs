using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.AspNetCore;

/// <summary>
/// Requests served by a real Kestrel server on 127.0.0.1 (HTTP/1.1, keep-alive), <c>GET /hello/{id}</c>
/// matched by a route, driven by an HttpClient in the same process with <see cref="Concurrency"/>
/// requests in flight; one operation is one request, server and client together (allocations are the
/// whole process's). Variants in one run: no tracing (baseline), OpenTelemetry's
/// <c>Instrumentation.AspNetCore</c>, <c>AddTracing()</c>, and both on one provider; every traced
/// variant samples always on and exports through the same batch processor to a discarding exporter.
/// The client's handler has no diagnostics (<c>ActivityHeadersPropagator = null</c>: no HttpClient span,
/// no <c>traceparent</c> sent), so each request's one span is the server span, a root, in every variant.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[Config(typeof(AllocatedBytesConfig))]
public class AspNetCoreRequestBenchmarks
{
    /// <summary>Requests in flight per operation, on as many keep-alive connections.</summary>
    public const int Concurrency = 8;

    private readonly Task<string>[] _requests = new Task<string>[Concurrency];
    private WebApplication _server = null!;
    private HttpClient _client = null!;
    private Uri _uri = null!;

    [GlobalSetup(Target = nameof(NoTracing))]
    public void SetupNoTracing() => Setup(TracingVariant.None);

    [GlobalSetup(Target = nameof(OpenTelemetryAspNetCore))]
    public void SetupOpenTelemetry() => Setup(TracingVariant.OpenTelemetry);

    [GlobalSetup(Target = nameof(AddTracing))]
    public void SetupAddTracing() => Setup(TracingVariant.AddTracing);

    [GlobalSetup(Target = nameof(AddTracingAndOpenTelemetryAspNetCore))]
    public void SetupBoth() => Setup(TracingVariant.AddTracingAndOpenTelemetry);

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        BenchmarkHosts.StopAsync(_server).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "no tracing", OperationsPerInvoke = Concurrency)]
    public Task NoTracing() => SendAsync();

    [Benchmark(Description = "OpenTelemetry + Instrumentation.AspNetCore", OperationsPerInvoke = Concurrency)]
    public Task OpenTelemetryAspNetCore() => SendAsync();

    [Benchmark(Description = "AddTracing", OperationsPerInvoke = Concurrency)]
    public Task AddTracing() => SendAsync();

    [Benchmark(Description = "AddTracing + Instrumentation.AspNetCore", OperationsPerInvoke = Concurrency)]
    public Task AddTracingAndOpenTelemetryAspNetCore() => SendAsync();

    private void Setup(TracingVariant variant)
    {
        _server = BenchmarkHosts.StartServerAsync(variant, static t => t.AddAspNetCoreInstrumentation(), TracingSetup.DiscardingBatch, HttpProtocols.Http1)
            .GetAwaiter().GetResult();
        _client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null });
        _uri = new Uri(BenchmarkHosts.BaseAddress(_server), "/hello/42");
    }

    private async Task SendAsync()
    {
        for (var i = 0; i < _requests.Length; i++)
        {
            _requests[i] = _client.GetStringAsync(_uri);
        }

        await Task.WhenAll(_requests);
    }
}

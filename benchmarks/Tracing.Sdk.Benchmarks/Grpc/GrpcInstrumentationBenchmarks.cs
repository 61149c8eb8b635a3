using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Benchmarks.Grpc;

/// <summary>
/// Unary gRPC calls made with Grpc.Net.Client (a <see cref="GrpcChannel"/> over HTTP/2 cleartext to an
/// untraced Kestrel server on 127.0.0.1, <see cref="Concurrency"/> calls in flight on one connection),
/// under a span of the benchmark's own source. Variants in one run: no tracing (baseline), OpenTelemetry's
/// <c>Instrumentation.GrpcNetClient</c> (Grpc.Net.Client's own <c>Grpc.Net.Client.GrpcOut</c> activity,
/// described), <c>AddTracing()</c> with the SDK's handler on the channel (<see cref="GrpcTracing.CreateHandler"/>),
/// and both. Same sampler and export processor (batch, discarding exporter). One operation is one
/// call; allocations are the whole process's, the server's included.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[Config(typeof(AllocatedBytesConfig))]
public class GrpcInstrumentationBenchmarks
{
    /// <summary>Calls in flight per operation.</summary>
    public const int Concurrency = 8;

    private readonly Task<byte[]>[] _calls = new Task<byte[]>[Concurrency];
    private WebApplication _server = null!;
    private IHost? _tracing;
    private ActivitySource _parentSource = null!;
    private Activity? _parent;
    private GrpcChannel _channel = null!;
    private CallInvoker _invoker = null!;

    [GlobalSetup(Target = nameof(NoTracing))]
    public void SetupNoTracing() => Setup(TracingVariant.None);

    [GlobalSetup(Target = nameof(OpenTelemetryGrpcNetClient))]
    public void SetupOpenTelemetry() => Setup(TracingVariant.OpenTelemetry);

    [GlobalSetup(Target = nameof(AddTracing))]
    public void SetupAddTracing() => Setup(TracingVariant.AddTracing);

    [GlobalSetup(Target = nameof(AddTracingAndOpenTelemetryGrpcNetClient))]
    public void SetupBoth() => Setup(TracingVariant.AddTracingAndOpenTelemetry);

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _parent?.Dispose();
        _parentSource.Dispose();
        BenchmarkHosts.StopAsync(_tracing).GetAwaiter().GetResult();
        BenchmarkHosts.StopAsync(_server).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "no tracing", OperationsPerInvoke = Concurrency)]
    public Task NoTracing() => CallAsync();

    [Benchmark(Description = "OpenTelemetry + Instrumentation.GrpcNetClient", OperationsPerInvoke = Concurrency)]
    public Task OpenTelemetryGrpcNetClient() => CallAsync();

    [Benchmark(Description = "AddTracing (handler)", OperationsPerInvoke = Concurrency)]
    public Task AddTracing() => CallAsync();

    [Benchmark(Description = "AddTracing (handler) + Instrumentation.GrpcNetClient", OperationsPerInvoke = Concurrency)]
    public Task AddTracingAndOpenTelemetryGrpcNetClient() => CallAsync();

    private void Setup(TracingVariant variant)
    {
        _server = BenchmarkHosts.StartServerAsync(TracingVariant.None, static _ => { }, TracingSetup.DiscardingBatch, HttpProtocols.Http2)
            .GetAwaiter().GetResult();
        _tracing = BenchmarkHosts.StartTracingAsync(variant, static t => t.AddGrpcClientInstrumentation(), TracingSetup.DiscardingBatch)
            .GetAwaiter().GetResult();

        _parentSource = new ActivitySource(TracingSetup.ParentSourceName);
        _parent = _parentSource.StartActivity("parent");
        if ((_parent is null) != (variant == TracingVariant.None))
        {
            throw new InvalidOperationException($"{variant}: the parent span was {(_parent is null ? "not " : string.Empty)}recorded.");
        }

        _channel = GrpcUnary.CreateChannel(BenchmarkHosts.BaseAddress(_server), variant is TracingVariant.AddTracing or TracingVariant.AddTracingAndOpenTelemetry);
        _invoker = _channel.CreateCallInvoker();
    }

    private async Task CallAsync()
    {
        if (!ReferenceEquals(Activity.Current, _parent))
        {
            throw new InvalidOperationException("The calls do not run under the benchmark's parent span.");
        }

        for (var i = 0; i < _calls.Length; i++)
        {
            _calls[i] = GrpcUnary.CallAsync(_invoker);
        }

        await Task.WhenAll(_calls);
    }
}

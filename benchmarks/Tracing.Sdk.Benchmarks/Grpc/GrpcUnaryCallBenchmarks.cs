using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Benchmarks.Grpc;

/// <summary>
/// One unary call with the real Grpc.Net.Client (HTTP/2 cleartext to a Kestrel endpoint on 127.0.0.1
/// answering one 5-byte-framed message and a <c>grpc-status</c> trailer), per way of tracing it, made
/// as an app makes it: under a recorded span of its own (a request's, say), started here by a source
/// the traced modes record. Each mode runs in its own process (BenchmarkDotNet's default), so
/// OpenTelemetry's instrumentation, which listens process-wide, sees only its own mode's calls.
/// </summary>
[MemoryDiagnoser]
public class GrpcUnaryCallBenchmarks
{
    private static readonly byte[] s_message = [0x0a, 0x03, (byte)'a', (byte)'b', (byte)'c'];
    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(static b => b, static b => b);
    private static readonly Method<byte[], byte[]> s_unary = new(MethodType.Unary, "bench.Echo", "Unary", s_bytes, s_bytes);
    private static readonly ActivitySource s_caller = new("Bench.Caller");

    private WebApplication _server = null!;
    private IHost? _tracing;
    private TracerProvider? _openTelemetry;
    private GrpcChannel _channel = null!;
    private CallInvoker _invoker = null!;

    public enum Mode
    {
        /// <summary>Nothing listens: Grpc.Net.Client alone.</summary>
        NoTracing,

        /// <summary>
        /// The baseline: HttpClient's own span alone, as AddTracing records it for a plain HTTP call. A host with
        /// AddTracing, no gRPC wiring, and a sampler of the benchmark's that leaves Grpc.Net.Client's Activity
        /// unsampled and samples everything else (the SDK records that Activity otherwise): so the call is
        /// HttpClient's span (described by the SDK) under an Activity nobody records, as before the SDK recorded
        /// Grpc.Net.Client's. The benchmark's sampler puts no <c>sampler.*</c> tags on the caller's span, which
        /// makes this baseline about 120 B cheaper than AddTracing's own sampler would.
        /// </summary>
        HttpClientSpan,

        /// <summary>
        /// A host with AddTracing and no gRPC wiring, as an app gets it: Grpc.Net.Client's own Activity is the
        /// gRPC span (recorded and described by the SDK) and HttpClient's span stays beneath it.
        /// </summary>
        Unwired,

        /// <summary>AddTracing and <c>GrpcTracing.CreateHandler()</c>: Grpc.Net.Client's Activity is the gRPC span, HttpClient's is suppressed.</summary>
        Handler,

        /// <summary>AddTracing and the host's <see cref="TracingInterceptor"/>: the interceptor's gRPC span, everything beneath it suppressed.</summary>
        Interceptor,

        /// <summary>Raw OpenTelemetry 1.20 with <c>AddGrpcClientInstrumentation(SuppressDownstreamInstrumentation)</c>: its one span.</summary>
        OpenTelemetryGrpcNetClient,
    }

    [Params(Mode.NoTracing, Mode.HttpClientSpan, Mode.Unwired, Mode.Handler, Mode.Interceptor, Mode.OpenTelemetryGrpcNetClient)]
    public Mode Tracing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _server = builder.Build();
        var frame = new byte[5 + s_message.Length];
        frame[4] = (byte)s_message.Length;
        s_message.CopyTo(frame, 5);
        _server.MapPost("/bench.Echo/Unary", async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _server.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(_server.Urls.First());

        if (Tracing is Mode.HttpClientSpan or Mode.Unwired or Mode.Handler or Mode.Interceptor)
        {
            var host = Host.CreateApplicationBuilder();
            host.Logging.ClearProviders();
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracing:ServiceName"] = "bench",
                ["Tracing:Exporters:0"] = "none",
                ["Tracing:Sources:0"] = s_caller.Name,
            });
            host.Services.AddTracing();
            if (Tracing == Mode.HttpClientSpan)
            {
                host.Services.ConfigureOpenTelemetryTracerProvider(b => b.SetSampler(new AllButGrpcNetClientSampler()));
            }

            _tracing = host.Build();
            _tracing.StartAsync().GetAwaiter().GetResult();
        }
        else if (Tracing == Mode.OpenTelemetryGrpcNetClient)
        {
            _openTelemetry = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
                .AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)
                .AddSource(s_caller.Name)
                .SetSampler(new AlwaysOnSampler())
                .Build();
        }

        var options = new GrpcChannelOptions
        {
            HttpHandler = Tracing == Mode.Handler ? GrpcTracing.CreateHandler() : new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        };
        _channel = GrpcChannel.ForAddress(address, options);
        _invoker = Tracing == Mode.Interceptor
            ? _channel.Intercept(_tracing!.Services.GetRequiredService<TracingInterceptor>())
            : _channel.CreateCallInvoker();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _openTelemetry?.Dispose();
        _tracing?.StopAsync().GetAwaiter().GetResult();
        _tracing?.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> UnaryCall()
    {
        using var caller = s_caller.StartActivity("caller");
        using var call = _invoker.AsyncUnaryCall(s_unary, null, default, s_message);
        return (await call.ResponseAsync).Length;
    }

    /// <summary>Samples every span but Grpc.Net.Client's own Activity, whatever its parent (not parent-based).</summary>
    private sealed class AllButGrpcNetClientSampler : Sampler
    {
        private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);
        private static readonly SamplingResult s_sample = new(SamplingDecision.RecordAndSample);

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Name == "Grpc.Net.Client.GrpcOut" ? s_drop : s_sample;
    }
}

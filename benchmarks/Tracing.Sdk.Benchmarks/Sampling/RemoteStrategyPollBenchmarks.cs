using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Protobuf;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// One remote-sampling poll, fetch and decode, over each transport against Kestrel on 127.0.0.1: the
/// HTTP/JSON GET (the baseline) and the hand-written gRPC call (HTTP/2 cleartext, one framed
/// <c>SamplingStrategyResponse</c>, <c>grpc-status</c> trailer); and the decode alone of the same
/// strategy in either encoding. <see cref="Operations"/> 0 is a probabilistic answer, otherwise a
/// per-operation one with that many operations.
/// </summary>
[MemoryDiagnoser]
public class RemoteStrategyPollBenchmarks
{
    private WebApplication _server = null!;
    private HttpStrategyClient _http = null!;
    private GrpcStrategyClient _grpc = null!;
    private byte[] _json = null!;
    private byte[] _protobuf = null!;

    [Params(0, 100)]
    public int Operations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes(Json(Operations));
        _protobuf = Protobuf(Operations);
        var framed = new byte[GrpcFrame.HeaderSize + _protobuf.Length];
        GrpcFrame.WriteHeader(framed, _protobuf.Length);
        _protobuf.CopyTo(framed, GrpcFrame.HeaderSize);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
        });
        _server = builder.Build();
        _server.MapPost("/" + SamplingManagerProto.MethodPath, async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(framed);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _server.MapGet("/sampling", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(_json).AsTask();
        });
        _server.StartAsync().GetAwaiter().GetResult();
        var urls = _server.Urls.ToList();
        _grpc = new GrpcStrategyClient(urls[0], "bench", TimeSpan.FromSeconds(10));
        _http = new HttpStrategyClient(urls[1] + "/sampling", "bench");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _grpc.Dispose();
        _http.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "poll: HTTP GET, JSON")]
    public async Task<bool> PollHttp()
    {
        var fetch = await _http.FetchAsync(CancellationToken.None);
        return SamplingStrategyParser.TryParse(fetch.Answer, 2000, out _, out _);
    }

    [Benchmark(Description = "poll: gRPC, protobuf")]
    public async Task<bool> PollGrpc()
    {
        var fetch = await _grpc.FetchAsync(CancellationToken.None);
        return SamplingStrategyResponseReader.TryRead(fetch.Answer.Span, 2000, out _, out _);
    }

    [Benchmark(Description = "decode: JSON")]
    public bool DecodeJson() => SamplingStrategyParser.TryParse(_json, 2000, out _, out _);

    [Benchmark(Description = "decode: protobuf")]
    public bool DecodeProtobuf() => SamplingStrategyResponseReader.TryRead(_protobuf, 2000, out _, out _);

    private static string Json(int operations)
    {
        if (operations == 0)
        {
            return """{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.001}}""";
        }

        var entries = string.Join(",", Enumerable.Range(0, operations).Select(i => string.Create(
            CultureInfo.InvariantCulture, $$$"""{"operation":"GET /api/resource-{{{i}}}","probabilisticSampling":{"samplingRate":0.{{{i + 1}}}}}""")));
        return $$$"""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.001},"operationSampling":{"defaultSamplingProbability":0.001,"defaultLowerBoundTracesPerSecond":0.0167,"perOperationStrategies":[{{{entries}}}]}}""";
    }

    /// <summary>The same strategy as <see cref="Json"/>, encoded as sampling.proto's SamplingStrategyResponse.</summary>
    private static byte[] Protobuf(int operations)
    {
        var response = new List<byte>();
        Message(response, SamplingManagerProto.ResponseProbabilisticSampling, Rate(0.001));
        if (operations > 0)
        {
            var perOperation = new List<byte>();
            Double(perOperation, SamplingManagerProto.OperationsDefaultSamplingProbability, 0.001);
            Double(perOperation, SamplingManagerProto.OperationsDefaultLowerBound, 0.0167);
            for (var i = 0; i < operations; i++)
            {
                var entry = new List<byte>();
                Message(entry, SamplingManagerProto.OperationName, Encoding.UTF8.GetBytes($"GET /api/resource-{i}"));
                Message(entry, SamplingManagerProto.OperationProbabilisticSampling, Rate(double.Parse($"0.{i + 1}", CultureInfo.InvariantCulture)));
                Message(perOperation, SamplingManagerProto.OperationsPerOperationStrategies, [.. entry]);
            }

            Message(response, SamplingManagerProto.ResponseOperationSampling, [.. perOperation]);
        }

        return [.. response];
    }

    private static byte[] Rate(double rate)
    {
        var message = new List<byte>();
        Double(message, SamplingManagerProto.ProbabilisticSamplingRate, rate);
        return [.. message];
    }

    private static void Double(List<byte> to, int field, double value)
    {
        Varint(to, (ulong)((field << 3) | (int)ProtobufWireType.Fixed64));
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        to.AddRange(bytes);
    }

    private static void Message(List<byte> to, int field, byte[] value)
    {
        Varint(to, (ulong)((field << 3) | (int)ProtobufWireType.LengthDelimited));
        Varint(to, (ulong)value.Length);
        to.AddRange(value);
    }

    private static void Varint(List<byte> to, ulong value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }
}

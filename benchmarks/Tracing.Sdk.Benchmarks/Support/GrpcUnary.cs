using Grpc.Core;
using Grpc.Net.Client;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>
/// The unary method <c>bench.Echo/Unary</c> as Grpc.Net.Client calls it, with messages passed as their
/// protobuf bytes (no generated code needed: the server answers a fixed message).
/// </summary>
internal static class GrpcUnary
{
    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    private static readonly Method<byte[], byte[]> s_unary = new(MethodType.Unary, "bench.Echo", "Unary", s_bytes, s_bytes);

    /// <summary>A protobuf message: field 1, a 3-byte string.</summary>
    private static readonly byte[] s_request = [0x0a, 0x03, (byte)'a', (byte)'b', (byte)'c'];

    /// <summary>A channel over HTTP/2 cleartext; with the SDK's handler when <paramref name="tracingHandler"/>.</summary>
    public static GrpcChannel CreateChannel(Uri address, bool tracingHandler)
    {
        var inner = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = tracingHandler ? GrpcTracing.CreateHandler(inner) : inner,
        });
    }

    public static async Task<byte[]> CallAsync(CallInvoker invoker) =>
        await invoker.AsyncUnaryCall(s_unary, null, default, s_request);
}

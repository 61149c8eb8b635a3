using Grpc.Core;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>The demo-style Greeter of greeter.proto, served by Grpc.AspNetCore in the tests.</summary>
public sealed class GreeterService : Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        return new HelloReply { Message = $"Hello {request.Name}" };
    }

    public override async Task StreamHellos(HelloRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            if (request.DelayMs > 0)
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }

            await responseStream.WriteAsync(new HelloReply { Message = $"Hello {request.Name} #{i}" });
        }
    }

    public override Task<HelloReply> Fail(HelloRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Internal, "boom"));

    public override async Task<HelloReply> Reject(HelloRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync([]);
        throw new RpcException(new Status(StatusCode.InvalidArgument, "name rejected"));
    }

    public override async Task<HelloReply> CollectHellos(IAsyncStreamReader<HelloRequest> requestStream, ServerCallContext context)
    {
        var names = new List<string>();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            names.Add(request.Name);
        }

        return new HelloReply { Message = $"Hello {string.Join(", ", names)}" };
    }

    public override async Task Chat(IAsyncStreamReader<HelloRequest> requestStream, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new HelloReply { Message = $"Hello {request.Name}" });
        }
    }
}

using Grpc.Core;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>
/// An in-memory <see cref="CallInvoker"/> of string messages, whose calls the test completes by hand:
/// what a custom or in-process invoker looks like to an interceptor. It keeps the metadata each call
/// was given and the messages written to it.
/// </summary>
public sealed class FakeCallInvoker : CallInvoker
{
    private int _read;
    private bool _streaming;

    public static readonly Marshaller<string> Strings = Marshallers.Create(System.Text.Encoding.UTF8.GetBytes, System.Text.Encoding.UTF8.GetString);

    public List<Metadata?> Headers { get; } = [];

    public List<string> Written { get; } = [];

    /// <summary>The unary response: the test completes or fails it.</summary>
    public TaskCompletionSource<string> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The responses a streaming call reads, then its status.</summary>
    public List<string> Replies { get; } = [];

    public global::Grpc.Core.Status FinalStatus { get; set; } = Status.DefaultSuccess;

    public int Disposed { get; private set; }

    /// <summary>Thrown by the invoker when a call starts, if set.</summary>
    public Exception? StartFailure { get; set; }

    /// <summary>What was current, and whether OpenTelemetry's suppression was on, as each call started.</summary>
    public List<(System.Diagnostics.Activity? Current, bool Suppressed)> StartedUnder { get; } = [];

    public static Method<string, string> Method(MethodType type, string name = "Call") => new(type, "fake.Service", name, Strings, Strings);

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Start(options);
        Written.Add((string)(object)request);
        return (TResponse)(object)Response.Task.GetAwaiter().GetResult();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Start(options);
        Written.Add((string)(object)request);
        return new AsyncUnaryCall<TResponse>(
            Response.Task.ContinueWith(t => (TResponse)(object)t.GetAwaiter().GetResult(), TaskScheduler.Default),
            Task.FromResult(new Metadata()),
            CallStatus,
            () => [],
            () => Disposed++);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Start(options);
        _streaming = true;
        Written.Add((string)(object)request);
        return new AsyncServerStreamingCall<TResponse>(new Reader<TResponse>(this), Task.FromResult(new Metadata()), CallStatus, () => [], () => Disposed++);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        Start(options);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new Writer<TRequest>(this),
            Response.Task.ContinueWith(t => (TResponse)(object)t.GetAwaiter().GetResult(), TaskScheduler.Default),
            Task.FromResult(new Metadata()),
            CallStatus,
            () => [],
            () => Disposed++);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        Start(options);
        _streaming = true;
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(new Writer<TRequest>(this), new Reader<TResponse>(this), Task.FromResult(new Metadata()), CallStatus, () => [], () => Disposed++);
    }

    private Status CallStatus() => Response.Task.IsCompleted || (_streaming && _read >= Replies.Count)
        ? FinalStatus
        : throw new InvalidOperationException("the call is not complete");

    private void Start(CallOptions options)
    {
        Headers.Add(options.Headers);
        StartedUnder.Add((System.Diagnostics.Activity.Current, OpenTelemetry.Sdk.SuppressInstrumentation));
        if (StartFailure is not null)
        {
            throw StartFailure;
        }
    }

    private sealed class Reader<T>(FakeCallInvoker invoker) : IAsyncStreamReader<T>
    {
        public T Current { get; private set; } = default!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (invoker._read < invoker.Replies.Count)
            {
                Current = (T)(object)invoker.Replies[invoker._read++];

                // Every other message arrives later than asked for, as from a network.
                return invoker._read % 2 == 0 ? Task.Run(() => true, CancellationToken.None) : Task.FromResult(true);
            }

            return invoker.FinalStatus.StatusCode == StatusCode.OK
                ? Task.FromResult(false)
                : Task.FromException<bool>(new RpcException(invoker.FinalStatus));
        }
    }

    private sealed class Writer<T>(FakeCallInvoker invoker) : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message)
        {
            invoker.Written.Add((string)(object)message!);
            return Task.CompletedTask;
        }

        public Task CompleteAsync() => Task.CompletedTask;
    }
}

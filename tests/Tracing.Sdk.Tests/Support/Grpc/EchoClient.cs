using Google.Protobuf;
using Grpc.Core;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>
/// A Grpc.Net.Client client of the Echo service, written out by hand (the test project generates
/// messages only): what <c>GrpcServices="Client"</c> would generate, for the methods the tests call,
/// plus unary calls of any method name (the misbehaving test servers' endpoints).
/// </summary>
public sealed class EchoClient : ClientBase<EchoClient>
{
    private static readonly Marshaller<EchoRequest> s_request = Marshallers.Create(m => m.ToByteArray(), EchoRequest.Parser.ParseFrom);
    private static readonly Marshaller<EchoReply> s_reply = Marshallers.Create(m => m.ToByteArray(), EchoReply.Parser.ParseFrom);
    private static readonly Method<EchoRequest, EchoReply> s_unary = new(MethodType.Unary, GrpcTestClient.Service, "Unary", s_request, s_reply);
    private static readonly Method<EchoRequest, EchoReply> s_fail = new(MethodType.Unary, GrpcTestClient.Service, "Fail", s_request, s_reply);
    private static readonly Method<EchoRequest, EchoReply> s_sleep = new(MethodType.Unary, GrpcTestClient.Service, "Sleep", s_request, s_reply);
    private static readonly Method<EchoRequest, EchoReply> s_serverStream = new(MethodType.ServerStreaming, GrpcTestClient.Service, "ServerStream", s_request, s_reply);
    private static readonly Method<EchoRequest, EchoReply> s_clientStream = new(MethodType.ClientStreaming, GrpcTestClient.Service, "ClientStream", s_request, s_reply);
    private static readonly Method<EchoRequest, EchoReply> s_bidi = new(MethodType.DuplexStreaming, GrpcTestClient.Service, "Bidi", s_request, s_reply);

    public EchoClient(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }

    private EchoClient(ClientBaseConfiguration configuration)
        : base(configuration)
    {
    }

    public AsyncUnaryCall<EchoReply> UnaryAsync(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(s_unary, null, options, request);

    public AsyncUnaryCall<EchoReply> FailAsync(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(s_fail, null, options, request);

    public AsyncUnaryCall<EchoReply> SleepAsync(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(s_sleep, null, options, request);

    public AsyncServerStreamingCall<EchoReply> ServerStream(EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(s_serverStream, null, options, request);

    public AsyncClientStreamingCall<EchoRequest, EchoReply> ClientStream(CallOptions options = default) =>
        CallInvoker.AsyncClientStreamingCall(s_clientStream, null, options);

    public AsyncDuplexStreamingCall<EchoRequest, EchoReply> Bidi(CallOptions options = default) =>
        CallInvoker.AsyncDuplexStreamingCall(s_bidi, null, options);

    /// <summary>A unary call of <c>tracingtest.Echo/{method}</c>.</summary>
    public AsyncUnaryCall<EchoReply> Call(string method, EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncUnaryCall(new Method<EchoRequest, EchoReply>(MethodType.Unary, GrpcTestClient.Service, method, s_request, s_reply), null, options, request);

    /// <summary>A server-streaming call of <c>tracingtest.Echo/{method}</c>.</summary>
    public AsyncServerStreamingCall<EchoReply> Stream(string method, EchoRequest request, CallOptions options = default) =>
        CallInvoker.AsyncServerStreamingCall(new Method<EchoRequest, EchoReply>(MethodType.ServerStreaming, GrpcTestClient.Service, method, s_request, s_reply), null, options, request);

    protected override EchoClient NewInstance(ClientBaseConfiguration configuration) => new(configuration);
}

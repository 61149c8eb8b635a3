using Tracing.Sdk.Protobuf;
namespace Tracing.Sdk.Sampling.JaegerGrpc;

/// <summary>
/// The request of <c>GetSamplingStrategy</c>: <c>SamplingStrategyParameters { serviceName = 1 }</c>
/// (sampling.proto), framed for the request body. It never changes for a service, so it is built once.
/// </summary>
internal static class SamplingStrategyRequest
{
    public static byte[] Framed(string serviceName)
    {
        var size = ProtobufWriter.StringFieldSize(SamplingManagerProto.ParametersServiceName, serviceName);
        var framed = new byte[GrpcFrame.HeaderSize + size];
        GrpcFrame.WriteHeader(framed, size);
        var writer = new ProtobufWriter(framed.AsSpan(GrpcFrame.HeaderSize));
        writer.WriteString(SamplingManagerProto.ParametersServiceName, serviceName);
        return framed;
    }
}

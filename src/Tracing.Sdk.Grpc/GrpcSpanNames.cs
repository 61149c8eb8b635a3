namespace Tracing.Sdk.Grpc;

/// <summary>
/// Names of the gRPC client span: its source, the gRPC-over-HTTP/2 headers it reads (grpc/grpc
/// <c>doc/PROTOCOL-HTTP2.md</c>) and what Grpc.Net.Client names its own Activity; the RPC attribute
/// names are in <see cref="Conventions.SemanticConventions"/>.
/// </summary>
internal static class GrpcSpanNames
{
    /// <summary>The SDK's gRPC client source, recorded through the <c>Tracing.Sdk.*</c> source pattern.</summary>
    public const string SourceName = "Tracing.Sdk.Grpc";

    /// <summary>Response trailer (or header, in a Trailers-Only response) with the call's status code.</summary>
    public const string StatusHeader = Conventions.GrpcProtocolNames.StatusHeader;

    /// <summary>Percent-encoded UTF-8 description of a non-OK status.</summary>
    public const string MessageHeader = Conventions.GrpcProtocolNames.MessageHeader;

    /// <summary>Request header with the time the caller allows the call (<c>TimeoutValue TimeoutUnit</c>).</summary>
    public const string TimeoutHeader = Conventions.GrpcProtocolNames.TimeoutHeader;

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> Grpc.Net.Client starts its Activity through (its <c>GrpcDiagnostics.ActivitySource</c>).</summary>
    public const string GrpcNetClientSource = Conventions.GrpcLibraryTags.ClientSourceName;

    /// <summary>
    /// The Activity Grpc.Net.Client starts around every call (its <c>GrpcDiagnostics.ActivityName</c>):
    /// the call's span, recorded by the SDK through the <c>Grpc.Net.Client</c> source (or made a span by
    /// OpenTelemetry's <c>AddGrpcClientInstrumentation()</c>); under the interceptor an unrecorded Activity
    /// that must not parent the interceptor's span.
    /// </summary>
    public const string GrpcNetClientActivity = Conventions.GrpcLibraryTags.ClientActivityName;
}

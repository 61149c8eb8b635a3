namespace Tracing.Sdk.Conventions;

/// <summary>
/// Tags the .NET gRPC libraries put on Activities of their own, outside the semantic conventions:
/// Grpc.AspNetCore on the hosting Activity of a gRPC request, Grpc.Net.Client on its
/// <c>Grpc.Net.Client.GrpcOut</c> Activity. The SDK describes those spans with the RPC conventions
/// (<c>rpc.service</c>, <c>rpc.method</c>, <c>rpc.grpc.status_code</c>) instead, so these are removed.
/// </summary>
internal static class GrpcLibraryTags
{
    /// <summary>
    /// The <see cref="System.Diagnostics.ActivitySource"/> of Grpc.Net.Client's <c>Grpc.Net.Client.GrpcOut</c>
    /// Activity, recorded by every host with the gRPC package (so it says nothing about whose span it is).
    /// </summary>
    public const string ClientSourceName = "Grpc.Net.Client";

    /// <summary>The operation name of Grpc.Net.Client's Activity around a call (its <c>GrpcDiagnostics.ActivityName</c>).</summary>
    public const string ClientActivityName = "Grpc.Net.Client.GrpcOut";

    /// <summary>The method path, <c>/{package.Service}/{Method}</c>.</summary>
    public const string Method = "grpc.method";

    /// <summary>The status code as decimal text (statuscodes.md).</summary>
    public const string StatusCode = "grpc.status_code";
}

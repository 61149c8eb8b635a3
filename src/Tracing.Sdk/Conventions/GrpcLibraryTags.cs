namespace Tracing.Sdk.Conventions;

/// <summary>
/// Tags the .NET gRPC libraries put on Activities of their own, outside the semantic conventions:
/// Grpc.AspNetCore on the hosting Activity of a gRPC request, Grpc.Net.Client on its
/// <c>Grpc.Net.Client.GrpcOut</c> Activity. The SDK describes those spans with the RPC conventions
/// (<c>rpc.service</c>, <c>rpc.method</c>, <c>rpc.grpc.status_code</c>) instead, so these are removed.
/// </summary>
internal static class GrpcLibraryTags
{
    /// <summary>The method path, <c>/{package.Service}/{Method}</c>.</summary>
    public const string Method = "grpc.method";

    /// <summary>The status code as decimal text (statuscodes.md).</summary>
    public const string StatusCode = "grpc.status_code";
}

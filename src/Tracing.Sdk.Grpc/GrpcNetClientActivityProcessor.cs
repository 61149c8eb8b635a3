using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Conventions;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Describes Grpc.Net.Client's own Activity (<see cref="GrpcSpanNames.GrpcNetClientActivity"/>) when
/// the app records it — OpenTelemetry's <c>AddGrpcClientInstrumentation()</c>, or the
/// <c>Grpc.Net.Client</c> source added by hand — as the SDK describes its own gRPC client span, so that
/// a call is one span with one name and one attribute set whichever instrumentation made it:
/// <c>{package.Service}/{Method}</c>, <c>rpc.system</c>, <c>rpc.service</c>, <c>rpc.method</c>,
/// <c>server.address</c>, <c>server.port</c>, <c>rpc.grpc.status_code</c> (semconv gRPC), Error for
/// every code but OK. What the library and the instrumentation add besides (<c>grpc.*</c>, newer
/// semconv names, <c>error.type</c>, <c>network.*</c>) is removed; an app's own enrichment is kept.
/// Runs ahead of the app's processors, after the instrumentation's stop event.
/// </summary>
internal sealed class GrpcNetClientActivityProcessor : BaseProcessor<Activity>
{
    private const string MethodProperty = "Tracing.Sdk.Grpc.Method";

    /// <summary>Attributes of Grpc.Net.Client and of OpenTelemetry's gRPC client instrumentation (any semconv version) that are not the SDK's.</summary>
    private static readonly string[] s_foreignKeys =
    [
        GrpcLibraryTags.Method, GrpcLibraryTags.StatusCode, "grpc.status", "grpc.target",
        "rpc.system.name", SemanticConventions.RpcResponseStatusCode, "rpc.method_original",
        SemanticConventions.ErrorType, SemanticConventions.NetworkPeerAddress, SemanticConventions.NetworkPeerPort,
        "network.protocol.name", SemanticConventions.NetworkProtocolVersion, "server.socket.address",
    ];

    public override void OnStart(Activity data)
    {
        // Grpc.Net.Client tags the method before it starts the Activity; the instrumentation removes
        // that tag in its start event, which comes after this.
        if (data.IsAllDataRequested
            && GrpcClientSpans.IsGrpcNetClientActivity(data)
            && data.GetTagItem(GrpcLibraryTags.Method) is string path)
        {
            data.SetCustomProperty(MethodProperty, GrpcMethod.FromPath(path));
        }
    }

    public override void OnEnd(Activity data)
    {
        if (!data.IsAllDataRequested
            || !GrpcClientSpans.IsGrpcNetClientActivity(data)
            || data.GetCustomProperty(MethodProperty) is not GrpcMethod method)
        {
            return;
        }

        try
        {
            Describe(data, method);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(GrpcNetClientActivityProcessor), ex.Message);
        }
    }

    private static void Describe(Activity activity, GrpcMethod method)
    {
        var hasCode = TryGetStatus(activity, out var code);
        foreach (var key in s_foreignKeys)
        {
            activity.SetTag(key, null);
        }

        activity.DisplayName = method.SpanName;
        activity.SetTag(SemanticConventions.RpcSystem, SemanticConventions.RpcSystemGrpc);
        activity.SetTag(SemanticConventions.RpcService, method.Service);
        activity.SetTag(SemanticConventions.RpcMethod, method.Method);
        if (hasCode)
        {
            activity.SetTag(SemanticConventions.RpcGrpcStatusCode, GrpcStatusCodes.Box(code));

            // Semconv gRPC: on the client every code but OK is an error.
            activity.SetStatus(code == GrpcStatusCodes.Ok ? ActivityStatusCode.Unset : ActivityStatusCode.Error, code == GrpcStatusCodes.Ok ? null : activity.StatusDescription);
        }
    }

    /// <summary>The call's status: Grpc.Net.Client's tag, or what the instrumentation turned it into.</summary>
    private static bool TryGetStatus(Activity activity, out int code)
    {
        code = 0;
        return GrpcStatusCodes.TryParse(activity.GetTagItem(GrpcLibraryTags.StatusCode) as string, out code)
            || GrpcStatusCodes.TryParse(activity.GetTagItem(SemanticConventions.RpcGrpcStatusCode)?.ToString(), out code)
            || GrpcStatusCodes.TryParse(activity.GetTagItem(SemanticConventions.RpcResponseStatusCode) as string, out code);
    }
}

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
/// <para>
/// Made by a host (<paramref name="suppressHttpClientSpans"/> given), it also keeps
/// <see cref="GrpcNetClientDiagnostics"/> listening while the host runs, which makes a recorded call one
/// hop in the trace (HttpClient's span beneath it suppressed, its context sent) and gives a failed call
/// the server's <c>grpc-message</c> as its status description.
/// </para>
/// </summary>
/// <param name="suppressHttpClientSpans">The host's <c>Tracing:Grpc:SuppressHttpClientSpans</c>; <see langword="null"/> describes spans only.</param>
/// <param name="propagator">The host's propagators, which the call's context is sent with.</param>
internal sealed class GrpcNetClientActivityProcessor(bool? suppressHttpClientSpans = null, DistributedContextPropagator? propagator = null) : BaseProcessor<Activity>
{
    // The host that owns a starting call (only its processor sees the start: HostBoundProcessor) names its
    // propagators for Grpc.Net.Client's start event, which follows on this thread.
    [ThreadStatic]
    private static Activity? t_starting;

    [ThreadStatic]
    private static DistributedContextPropagator? t_startingPropagator;

    private IDisposable? _diagnostics = suppressHttpClientSpans is { } suppress ? GrpcNetClientDiagnostics.Acquire(suppress) : null;

    /// <summary>The propagators of the host that saw <paramref name="activity"/> start on this thread, if any.</summary>
    internal static DistributedContextPropagator? TakeStartingPropagator(Activity activity)
    {
        var found = ReferenceEquals(t_starting, activity) ? t_startingPropagator : null;
        t_starting = null;
        t_startingPropagator = null;
        return found;
    }

    private const string MethodProperty = "Tracing.Sdk.Grpc.Method";

    /// <summary>Attributes of Grpc.Net.Client and of OpenTelemetry's gRPC client instrumentation (any semconv version) that are not the SDK's.</summary>
    private static readonly string[] s_foreignKeys =
    [
        GrpcLibraryTags.Method, GrpcLibraryTags.StatusCode, "grpc.status", "grpc.target",
        "rpc.system.name", SemanticConventions.RpcResponseStatusCode, "rpc.method_original",
        SemanticConventions.ErrorType, SemanticConventions.NetworkPeerAddress, SemanticConventions.NetworkPeerPort,
        "network.protocol.name", SemanticConventions.NetworkProtocolVersion, "server.socket.address",
    ];

    /// <summary>
    /// Whether OpenTelemetry's instrumentation was seen taking Grpc.Net.Client's tag off an Activity of
    /// the recorded source (both in one app): from then on the method is kept at the start of every call.
    /// </summary>
    private static volatile bool s_tagTakenOff;

    public override void OnStart(Activity data)
    {
        if (propagator is not null && data.IsAllDataRequested && GrpcClientSpans.IsGrpcNetClientActivity(data))
        {
            t_starting = data;
            t_startingPropagator = propagator;
        }

        // Grpc.Net.Client tags the method before it starts the Activity, and the tag stays until the end
        // when only the SDK records the Grpc.Net.Client source: OnEnd reads it there, and nothing is kept
        // per call. OpenTelemetry's instrumentation removes the tag in its start event, which comes after
        // this; it adopts the Activity Grpc.Net.Client makes for nobody (no source name yet when this runs)
        // or one of the recorded source: only then is the method kept on the Activity until the end.
        if (data.IsAllDataRequested
            && (data.Source.Name.Length == 0 || s_tagTakenOff)
            && GrpcClientSpans.IsGrpcNetClientActivity(data)
            && data.GetTagItem(GrpcLibraryTags.Method) is string path)
        {
            data.SetCustomProperty(MethodProperty, GrpcMethod.FromPath(path));
        }
    }

    public override void OnEnd(Activity data)
    {
        if (!data.IsAllDataRequested || !GrpcClientSpans.IsGrpcNetClientActivity(data))
        {
            return;
        }

        try
        {
            if (MethodOf(data) is { } method)
            {
                Describe(data, method);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(GrpcNetClientActivityProcessor), ex.Message);
        }
    }

    /// <summary>
    /// The call's method: Grpc.Net.Client's tag (the same path string on every call of a method, so the
    /// parsed names come from a cache), or the one kept at the start for OpenTelemetry's instrumentation.
    /// When the instrumentation took the tag off an Activity nothing was kept for, the name it gave the
    /// Activity (<c>{package.Service}/{Method}</c>) says the method, and later calls keep it.
    /// </summary>
    private static GrpcMethod? MethodOf(Activity activity)
    {
        if (activity.GetTagItem(GrpcLibraryTags.Method) is string path)
        {
            return GrpcMethod.FromPath(path);
        }

        if (activity.GetCustomProperty(MethodProperty) is GrpcMethod kept)
        {
            return kept;
        }

        s_tagTakenOff = true;
        var name = activity.DisplayName;
        return name.Length > 0 && !string.Equals(name, activity.OperationName, StringComparison.Ordinal)
            ? GrpcMethod.FromPath(name)
            : null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _diagnostics, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Gives <paramref name="activity"/> the SDK's name, attributes and status for <paramref name="method"/>;
    /// with <paramref name="removeForeign"/>, the library's and the instrumentation's own attributes go.
    /// </summary>
    internal static void Describe(Activity activity, GrpcMethod method, bool removeForeign = true)
    {
        var hasCode = TryGetStatus(activity, out var code);
        if (removeForeign)
        {
            foreach (var key in s_foreignKeys)
            {
                activity.SetTag(key, null);
            }
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

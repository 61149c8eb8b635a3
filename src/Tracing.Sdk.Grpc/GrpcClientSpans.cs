using System.Diagnostics;
using System.Reflection;
using Tracing.Sdk.Conventions;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// What the interceptor and the HTTP/2 handler share about a gRPC CLIENT span of the SDK's own source:
/// where it sits in the trace, and how it ends. Grpc.Net.Client starts an Activity of its own
/// (<see cref="GrpcSpanNames.GrpcNetClientActivity"/>) between the caller and the HTTP layer. The SDK
/// records it (it is then the call's span: see <see cref="GrpcNetClientActivityProcessor"/>), except under
/// the interceptor, whose span is the call's and beneath which it is an unrecorded Activity; a span of
/// ours is therefore the caller's child, never that Activity's.
/// </summary>
internal static class GrpcClientSpans
{
    public static readonly ActivitySource Source = new(
        GrpcSpanNames.SourceName,
        typeof(GrpcClientSpans).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>Whether <paramref name="activity"/> is Grpc.Net.Client's own Activity around a call.</summary>
    public static bool IsGrpcNetClientActivity(Activity? activity) =>
        activity is not null && string.Equals(activity.OperationName, GrpcSpanNames.GrpcNetClientActivity, StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="activity"/> is Grpc.Net.Client's Activity made a span by the app: created
    /// through the <c>Grpc.Net.Client</c> source for a listener that records it, or adopted by an
    /// instrumentation (OpenTelemetry's gives it its own source). The Activity Grpc.Net.Client makes
    /// for nobody (<c>new Activity(...)</c>, when only a parent is current) has no source name, and
    /// claims all data requested by default.
    /// </summary>
    public static bool IsRecordedGrpcNetClientActivity(Activity? activity) =>
        IsGrpcNetClientActivity(activity) && activity!.IsAllDataRequested && activity.Source.Name.Length > 0;

    /// <summary>Whether <paramref name="activity"/> is a CLIENT span of this SDK whose call is still running.</summary>
    public static bool IsOpenCallSpan(Activity? activity) =>
        activity is { Kind: ActivityKind.Client, IsStopped: false } && ReferenceEquals(activity.Source, Source);

    /// <summary>
    /// The Activity a call made under <paramref name="current"/> belongs to: <paramref name="current"/>
    /// itself, or, when that is Grpc.Net.Client's Activity, the caller's Activity above it.
    /// </summary>
    public static Activity? Caller(Activity? current) => IsGrpcNetClientActivity(current) ? current!.Parent : current;

    /// <summary>
    /// Ends <paramref name="activity"/> with gRPC status <paramref name="code"/>: <c>rpc.grpc.status_code</c>,
    /// status Error for every code but OK (semconv gRPC, client spans) described by
    /// <paramref name="message"/>, <paramref name="exception"/> recorded. Never throws.
    /// </summary>
    public static void Stop(Activity activity, int code, string? message, Exception? exception)
    {
        try
        {
            // Span metrics count unrecorded calls too, from the span as it ends: then the code and status go
            // on every span; otherwise only on recorded ones (an unrecorded span's first tag allocates).
            if (activity.IsAllDataRequested || SpanMetricsListener.AnyLive)
            {
                activity.SetTag(SemanticConventions.RpcGrpcStatusCode, GrpcStatusCodes.Box(code));
                if (code != GrpcStatusCodes.Ok)
                {
                    activity.SetStatus(ActivityStatusCode.Error, string.IsNullOrEmpty(message) ? null : message);
                }
            }

            if (exception is not null && activity.IsAllDataRequested)
            {
                activity.AddException(exception);
            }

            // Activity.Stop makes the span's parent current; the flow that ends it (a stream read, a
            // dispose, a continuation) keeps whatever it had. Only set back when it differs: the setter
            // reads the Activity's Id, which generates the id string of a caller that never needed one.
            var current = Activity.Current;
            activity.Stop();
            if (!ReferenceEquals(current, activity) && !ReferenceEquals(Activity.Current, current))
            {
                Activity.Current = current;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(GrpcClientSpans), ex.Message);
        }
    }
}

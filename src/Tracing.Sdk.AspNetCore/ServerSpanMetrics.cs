using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Counts every request's server span, sampled or not, at the moment hosting ends it. With a
/// <see cref="DiagnosticListener"/> subscriber enabled for <c>...HttpRequestIn.Start</c>, ASP.NET Core
/// hosting writes <c>Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop</c> with the
/// <see cref="HttpContext"/> itself as payload, after the response is complete, with the span's end
/// time set and the span still current, right before stopping it (HostingApplicationDiagnostics,
/// StopActivity). That is every fact span metrics need, for a span that is recorded or not, with nothing
/// allocated: the route of the endpoint (the original one when an error page re-executed the pipeline),
/// the status code or gRPC status, and the exception hosting saw escape (its <c>UnhandledException</c>
/// event, written just before on the same thread).
/// <para>
/// The name and status follow the server span's own rules (<see cref="ServerSpanState"/>): <c>{METHOD}
/// {route}</c>, the gRPC method for a literal gRPC route, the method alone when nothing was routed (so a
/// raw path never becomes a series); Error for 5xx, a gRPC server error, or an exception that was not the
/// client going away. An excluded request (<c>AspNetCore:ExcludePaths</c>, <c>Filter</c>) has no span and
/// is not counted.
/// </para>
/// </summary>
internal sealed class ServerSpanMetrics(SpanMetricsRecorder recorder, AspNetCoreTracing tracing)
{
    /// <summary>Counts the request hosting is stopping; <paramref name="escaped"/> is the exception that left its pipeline, if any.</summary>
    public void RequestStopped(HttpContext context, Exception? escaped)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null || ServerSpanState.IsSuppressed(activity))
        {
            return;
        }

        try
        {
            recorder.Record(activity, Outcome(context, activity, escaped));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ServerSpanMetrics), ex.Message);
        }
    }

    private SpanOutcome Outcome(HttpContext context, Activity activity, Exception? escaped)
    {
        var request = context.Request;
        var methodForName = tracing.Settings.Methods.Canonical(request.Method) ?? Conventions.SemanticConventions.UnknownMethodSpanName;
        var isGrpc = GrpcConventions.IsGrpc(request);
        var name = methodForName;
        if (OriginalEndpoint(context) is { } endpoint)
        {
            var route = EndpointRoute.Of(endpoint);
            name = (isGrpc ? route.GrpcSpanName(request.Path.Value) : null) ?? route.SpanName(methodForName);
        }

        // The client going away is its own outcome, not the server's failure.
        var failed = (escaped is not null && !(escaped is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
            || context.Features.Get<IExceptionHandlerFeature>()?.Error is not null;
        var duration = activity.Duration > TimeSpan.Zero ? activity.Duration : DateTime.UtcNow - activity.StartTimeUtc;

        if (isGrpc && GrpcConventions.TryGetStatus(context, out var grpcStatus))
        {
            var error = failed || GrpcConventions.IsServerError(grpcStatus);
            return new SpanOutcome(name, ActivityKind.Server, error ? ActivityStatusCode.Error : ActivityStatusCode.Unset, SpanOutcome.NoCode, grpcStatus, duration);
        }

        var status = context.Response.StatusCode;
        if (escaped is not null && !context.Response.HasStarted && status < 500)
        {
            // An exception that escaped before the response started is answered 500 by the server.
            status = StatusCodes.Status500InternalServerError;
        }

        return new SpanOutcome(
            name,
            ActivityKind.Server,
            failed || status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset,
            isGrpc ? SpanOutcome.NoCode : status,
            SpanOutcome.NoCode,
            duration);
    }

    /// <summary>The endpoint routing chose for the request, before an exception handler or status-code page re-executed it.</summary>
    private static Endpoint? OriginalEndpoint(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint
        ?? context.Features.Get<IStatusCodeReExecuteFeature>()?.Endpoint
        ?? context.GetEndpoint();
}

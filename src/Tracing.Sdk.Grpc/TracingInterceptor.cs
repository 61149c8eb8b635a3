using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenTelemetry;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Gives every gRPC call made through it one CLIENT span, for any <see cref="CallInvoker"/>
/// (Grpc.Net.Client over HTTP/2 or gRPC-Web, in-process and custom invokers): named
/// <c>{package.Service}/{Method}</c> with the RPC semantic-convention attributes, the caller's child,
/// ended once when the call ends — with its response or the end of its response stream, with the
/// status of the <see cref="RpcException"/> the caller gets (deadline, cancellation, the server's
/// error), or when the caller disposes it first. The trace context goes into the call's metadata with
/// the configured propagators, this span as the parent.
/// <para>
/// Everything the call does beneath it records no span of its own (HttpClient's, Grpc.Net.Client's,
/// OpenTelemetry's gRPC client instrumentation's), so a call is one hop in the trace; the
/// <c>AddGrpcTracing()</c> handler, when also wired, adds the server's address to this span and makes
/// no second one. Messages and the call's own results pass through unchanged, and tracing never throws
/// into the call.
/// </para>
/// <para>
/// With <c>IHttpClientFactory</c>: <c>services.AddGrpcClient&lt;T&gt;(...).AddInterceptor&lt;TracingInterceptor&gt;()</c>
/// after <c>AddTracing()</c>, which registers it with the host's propagators. For a channel made by
/// hand: <c>channel.Intercept(GrpcTracing.CreateInterceptor())</c>. Spans are recorded while a host
/// with <c>AddTracing()</c> runs.
/// </para>
/// </summary>
public sealed class TracingInterceptor : Interceptor
{
    private static readonly DistributedContextPropagator.PropagatorSetterCallback s_setter = static (carrier, key, value) =>
    {
        // As HttpClient does for headers: a key the caller set is the caller's decision.
        if (carrier is not Metadata headers || key is null || value is null || headers.Get(key) is not null)
        {
            return;
        }

        try
        {
            headers.Add(key, value);
        }
        catch (ArgumentException)
        {
            // Not a legal metadata key (PROTOCOL-HTTP2.md, "Custom-Metadata": lower-case ASCII letters,
            // digits, '_', '-', '.'), e.g. a baggage key in uberctx-*: not sent, as a header could not be.
        }
    };

    private readonly DistributedContextPropagator? _propagator;

    /// <param name="propagator">The propagator to inject with; <see langword="null"/> reads <see cref="DistributedContextPropagator.Current"/> on each call.</param>
    internal TracingInterceptor(DistributedContextPropagator? propagator) => _propagator = propagator;

    /// <inheritdoc/>
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var activity = Start(ref context);
        if (activity is null)
        {
            return continuation(request, context);
        }

        TResponse response;
        try
        {
            using (SuppressInstrumentationScope.Begin())
            {
                response = continuation(request, context);
            }
        }
        catch (Exception ex)
        {
            var failed = CallOutcome.From(ex);
            GrpcClientSpans.Stop(activity, failed.Code, failed.Message, failed.Recorded);
            throw;
        }

        GrpcClientSpans.Stop(activity, GrpcStatusCodes.Ok, null, null);
        return response;
    }

    /// <inheritdoc/>
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var (activity, call) = StartCall(context, (continuation, request), static (s, c) => s.continuation(s.request, c));
        return activity is null ? call : UnaryCallWatch<TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var (activity, call) = StartCall(context, continuation, static (s, c) => s(c));
        return activity is null ? call : ClientStreamingCallWatch<TRequest, TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var (activity, call) = StartCall(context, (continuation, request), static (s, c) => s.continuation(s.request, c));
        return activity is null ? call : ServerStreamingCallWatch<TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var (activity, call) = StartCall(context, continuation, static (s, c) => s(c));
        return activity is null ? call : DuplexStreamingCallWatch<TRequest, TResponse>.Watch(activity, call);
    }

    /// <summary>
    /// Starts the call's span, then the call through <paramref name="invoke"/> with the span current and
    /// everything beneath it suppressed (HttpClient's span, Grpc.Net.Client's Activity), and ends the span
    /// if the invoker refuses the call. The call's own flow keeps that context; the caller gets its own back.
    /// </summary>
    /// <remarks>
    /// Both changes to the execution context are undone by returning from <see cref="StartCallScoped"/>,
    /// an async method that never awaits: the method builder restores the caller's context on return
    /// without a set per value, so nothing is allocated to undo them, and the caller's Activity is not set
    /// current again (that setter generates its id string). The state is passed along so that no closure
    /// is allocated per call.
    /// </remarks>
    private (Activity? Span, TCall Call) StartCall<TRequest, TResponse, TState, TCall>(
        ClientInterceptorContext<TRequest, TResponse> context,
        TState state,
        Func<TState, ClientInterceptorContext<TRequest, TResponse>, TCall> invoke)
        where TRequest : class
        where TResponse : class
    {
        if (!GrpcClientSpans.Source.HasListeners())
        {
            return (null, invoke(state, context));
        }

        var started = StartCallScoped(context, state, invoke);
        Debug.Assert(started.IsCompleted, "StartCallScoped never awaits.");
        return started.GetAwaiter().GetResult();
    }

#pragma warning disable CS1998 // Async without await on purpose: see StartCall.
    private async ValueTask<(Activity? Span, TCall Call)> StartCallScoped<TRequest, TResponse, TState, TCall>(
        ClientInterceptorContext<TRequest, TResponse> context,
        TState state,
        Func<TState, ClientInterceptorContext<TRequest, TResponse>, TCall> invoke)
        where TRequest : class
        where TResponse : class
#pragma warning restore CS1998
    {
        var activity = Start(ref context);
        if (activity is null)
        {
            return (null, invoke(state, context));
        }

        try
        {
            // Not disposed: returning from this method ends it for the caller, and the call's flow keeps it.
            _ = SuppressInstrumentationScope.Begin();
            return (activity, invoke(state, context));
        }
        catch (Exception ex)
        {
            Fail(activity, ex);
            throw;
        }
    }

    /// <summary>A call the invoker refused to start: the span ends with what it threw.</summary>
    private static void Fail(Activity activity, Exception exception)
    {
        var outcome = CallOutcome.From(exception);
        GrpcClientSpans.Stop(activity, outcome.Code, outcome.Message, outcome.Recorded);
    }

    /// <summary>
    /// <c>server.address</c> and <c>server.port</c> from the call's host, <c>host[:port]</c> or
    /// <c>[v6]:port</c>, when the invoker was given one (Grpc.Net.Client's generated clients give none:
    /// the HTTP/2 handler, if wired, fills them in).
    /// </summary>
    private static string? ServerOf(string? host, out int port)
    {
        port = 0;
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        var colon = host.LastIndexOf(':');
        var close = host.LastIndexOf(']');
        if (colon > close && int.TryParse(host.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            port = parsed;
            host = host[..colon];
        }

        return host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
    }

    /// <summary>Starts the call's span (it becomes current for the call's start) and puts its context into the call's metadata.</summary>
    private Activity? Start<TRequest, TResponse>(ref ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        if (!GrpcClientSpans.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = null;
        try
        {
            var method = GrpcMethod.FromPath(context.Method.FullName);
            var address = ServerOf(context.Host, out var port);
            activity = GrpcClientSpans.Source.StartActivity(method.SpanName, ActivityKind.Client, parentContext: default, tags: method.StartTags(address, port));
            if (activity is not null)
            {
                context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(Inject(activity, context.Options.Headers)));
            }

            return activity;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Diagnostics.TracingEventSource.Log.ComponentFailed(nameof(TracingInterceptor), ex.Message);
            if (activity is not null)
            {
                GrpcClientSpans.Stop(activity, GrpcStatusCodes.Ok, null, null);
            }

            return null;
        }
    }

    /// <summary>
    /// The call's metadata with the trace context added: a copy, since callers reuse one
    /// <see cref="Metadata"/> for many calls and it may be read-only.
    /// </summary>
    private Metadata Inject(Activity activity, Metadata? callerHeaders)
    {
        var headers = new Metadata();
        if (callerHeaders is not null)
        {
            foreach (var entry in callerHeaders)
            {
                headers.Add(entry);
            }
        }

        (_propagator ?? DistributedContextPropagator.Current).Inject(activity, headers, s_setter);
        return headers;
    }
}

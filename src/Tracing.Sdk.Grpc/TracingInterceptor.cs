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
        var caller = Activity.Current;
        var activity = Start(ref context);
        if (activity is null)
        {
            return continuation(request, context);
        }

        var call = Begin(activity, caller, (continuation, request, context), static s => s.continuation(s.request, s.context));
        return UnaryCallWatch<TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var caller = Activity.Current;
        var activity = Start(ref context);
        if (activity is null)
        {
            return continuation(context);
        }

        var call = Begin(activity, caller, (continuation, context), static s => s.continuation(s.context));
        return ClientStreamingCallWatch<TRequest, TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var caller = Activity.Current;
        var activity = Start(ref context);
        if (activity is null)
        {
            return continuation(request, context);
        }

        var call = Begin(activity, caller, (continuation, request, context), static s => s.continuation(s.request, s.context));
        return ServerStreamingCallWatch<TResponse>.Watch(activity, call);
    }

    /// <inheritdoc/>
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var caller = Activity.Current;
        var activity = Start(ref context);
        if (activity is null)
        {
            return continuation(context);
        }

        var call = Begin(activity, caller, (continuation, context), static s => s.continuation(s.context));
        return DuplexStreamingCallWatch<TRequest, TResponse>.Watch(activity, call);
    }

    /// <summary>
    /// Starts the call through <paramref name="invoke"/> with HttpClient's own span suppressed beneath the
    /// gRPC span, ends the span if the invoker refuses the call, and gives the caller back its current
    /// Activity. The state is passed along so that no closure is allocated per call.
    /// </summary>
    private static TCall Begin<TState, TCall>(Activity activity, Activity? caller, TState state, Func<TState, TCall> invoke)
    {
        try
        {
            using (SuppressInstrumentationScope.Begin())
            {
                return invoke(state);
            }
        }
        catch (Exception ex)
        {
            Fail(activity, ex);
            throw;
        }
        finally
        {
            Activity.Current = caller;
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

using System.Collections;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The configured set as .NET's own <see cref="DistributedContextPropagator"/>, the one HttpClient
/// (<c>DiagnosticsHandler</c>) injects with and ASP.NET Core hosting extracts with. Inject writes
/// each header at most once and never replaces one the caller already set; extract hands hosting a
/// W3C <c>traceparent</c> string whatever format the context came in, since hosting parses that, and
/// the context's tracestate — for a B3 caller that deferred the sampling decision, the
/// <see cref="DeferredSampling"/> mark, which hosting's <c>ActivityContext.TryParse</c> keeps as given
/// and so hands to the sampler with the parent. A debug request travels the same way
/// (<see cref="DebugSampling"/>); one for a new root comes back as a tracestate with no trace id.
/// <para>
/// HttpClient injects <see cref="Activity.Current"/>. Beneath a gRPC call whose HttpClient span is
/// suppressed (see <see cref="SentFor"/>) that is an Activity HttpClient made for nobody, which is never
/// exported: the gRPC span above it is the context sent (the SDK has usually set those headers already,
/// and then the gRPC span's id, which .NET keeps, is not formatted again for a stand-in).
/// </para>
/// </summary>
internal sealed class TracingDistributedContextPropagator : DistributedContextPropagator
{
    private readonly CompositeFormat _propagator;
    private readonly string[] _fields;

    public TracingDistributedContextPropagator(CompositeFormat propagator)
    {
        _propagator = propagator;
        _fields = [.. propagator.Fields];
    }

    public override IReadOnlyCollection<string> Fields => _fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (activity is null || setter is null || activity.IdFormat != ActivityIdFormat.W3C || activity.TraceId == default)
        {
            return;
        }

        activity = SentFor(activity);
        var target = InjectTarget.Rent(carrier, setter);
        try
        {
            _propagator.Inject(InjectionContext.From(activity), target);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TracingDistributedContextPropagator), ex.Message);
        }
        finally
        {
            target.Return();
        }
    }

    /// <summary>
    /// The Activity whose context goes out for <paramref name="activity"/>: itself, or, when it is
    /// HttpClient's Activity made for nobody (no source: a suppression scope kept HttpClient's span from
    /// being created, and .NET then starts a bare Activity because a parent is current) directly beneath
    /// Grpc.Net.Client's recorded Activity (the call's gRPC span), that gRPC span.
    /// </summary>
    internal static Activity SentFor(Activity activity) =>
        activity.Source.Name.Length == 0
        && activity.Parent is { IsAllDataRequested: true } parent
        && parent.Source.Name.Length > 0
        && string.Equals(activity.OperationName, Http.HttpClientSpanNames.ActivityName, StringComparison.Ordinal)
        && string.Equals(parent.OperationName, Conventions.GrpcLibraryTags.ClientActivityName, StringComparison.Ordinal)
            ? parent
            : activity;

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        if (getter is null)
        {
            return;
        }

        var source = ExtractSource.Rent(carrier, getter);
        try
        {
            // The common W3C case: a canonical traceparent that wins is handed back as sent, its ids
            // checked but not parsed (hosting parses them once, for its Activity).
            if (_propagator.LeadingTraceContext is { } w3c && w3c.TryReadCanonical(source, ExtractSource.Get, out var parent, out var state))
            {
                traceId = parent;
                traceState = state;
                return;
            }

            var context = _propagator.ExtractContext(source);
            if (InjectionContext.IsValid(context))
            {
                // The caller's own traceparent when it already says exactly this context (the common
                // W3C case): nothing to format.
                traceId = TraceContextFormat.IsCanonicalFor(source.TraceParent, context)
                    ? source.TraceParent
                    : TraceContextFormat.Format(context);
                traceState = context.TraceState;
            }
            else if (DebugSampling.IsRootRequest(context))
            {
                // No parent, but a request for a debug root: hosting ignores a tracestate without a
                // traceparent, the ASP.NET Core integration reads it (and hands it on, HostingRootDebug).
                traceState = context.TraceState;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TracingDistributedContextPropagator), ex.Message);
        }
        finally
        {
            source.Return();
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        if (getter is null || !_propagator.CarriesBaggage)
        {
            return null;
        }

        var source = ExtractSource.Rent(carrier, getter);
        try
        {
            var baggage = _propagator.ExtractBaggage(default, source, ExtractSource.Get);
            if (baggage.Count == 0)
            {
                return null;
            }

            var items = new List<KeyValuePair<string, string?>>(baggage.Count);
            foreach (var item in baggage)
            {
                items.Add(new KeyValuePair<string, string?>(item.Key, item.Value));
            }

            return items;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TracingDistributedContextPropagator), ex.Message);
            return null;
        }
        finally
        {
            source.Return();
        }
    }

    /// <summary>
    /// A .NET getter callback seen as an OpenTelemetry getter. One per thread, reused call after call
    /// (taken out while in use, so a nested extraction gets its own), so that an extraction allocates
    /// only what the formats read. A header read as one value comes back in the same one-element array
    /// each time, overwritten by the next read: the SDK's formats (the only readers) take what they
    /// need from a read before they make the next.
    /// </summary>
    internal sealed class ExtractSource : ICarrierKeys
    {
        public static readonly Func<ExtractSource, string, IEnumerable<string>?> Get = static (source, name) => source.Read(name);

        [ThreadStatic]
        private static ExtractSource? t_free;

        private readonly string[] _one = new string[1];
        private object? _carrier;
        private PropagatorGetterCallback? _getter;

        public IEnumerable<string>? Keys => CarrierKeys.Of(_carrier);

        /// <summary>The one <c>traceparent</c> value read, if the formats read one.</summary>
        public string? TraceParent { get; private set; }

        public static ExtractSource Rent(object? carrier, PropagatorGetterCallback getter)
        {
            var source = t_free ?? new ExtractSource();
            t_free = null;
            source._carrier = carrier;
            source._getter = getter;
            return source;
        }

        public void Return()
        {
            _carrier = null;
            _getter = null;
            TraceParent = null;
            _one[0] = null!;
            t_free = this;
        }

        private IEnumerable<string>? Read(string name)
        {
            if (_getter is not { } getter)
            {
                // Read after the extraction ended (a format that kept the getter): nothing.
                return null;
            }

            getter(_carrier, name, out var value, out var values);
            if (values is null && value is not null && string.Equals(name, TraceContextFormat.TraceParent, StringComparison.Ordinal))
            {
                TraceParent = value;
            }

            if (values is not null || value is null)
            {
                return values;
            }

            _one[0] = value;
            return _one;
        }
    }

    /// <summary>
    /// Writes through the caller's setter, skipping a header written earlier in this call or already on
    /// the carrier (a retried or redirected request, or a header the application set itself). One per
    /// thread, reused call after call (taken out while in use, so a nested injection gets its own), so
    /// that an injection allocates only the header values.
    /// </summary>
    internal sealed class InjectTarget
    {
        [ThreadStatic]
        private static InjectTarget? t_free;

        private readonly List<string> _written = new(4);
        private object? _carrier;
        private PropagatorSetterCallback? _setter;

        public static readonly Action<InjectTarget, string, string> Setter = static (target, name, value) => target.Set(name, value);

        public static InjectTarget Rent(object? carrier, PropagatorSetterCallback setter)
        {
            var target = t_free ?? new InjectTarget();
            t_free = null;
            target._carrier = carrier;
            target._setter = setter;
            return target;
        }

        public void Return()
        {
            _carrier = null;
            _setter = null;
            _written.Clear();
            t_free = this;
        }

        public void Set(string name, string value)
        {
            if (Written(name) || CarrierHas(_carrier, name))
            {
                return;
            }

            _setter!(_carrier, name, value);
            _written.Add(name);
        }

        private bool Written(string name)
        {
            foreach (var written in _written)
            {
                if (string.Equals(written, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool CarrierHas(object? carrier, string name) => carrier switch
        {
            HttpRequestMessage request => request.Headers.NonValidated.Contains(name),
            HttpHeaders headers => headers.NonValidated.Contains(name),
            IDictionary<string, StringValues> headers => headers.ContainsKey(name),
            IDictionary<string, string> strings => strings.ContainsKey(name),
            IDictionary<string, object> objects => objects.ContainsKey(name),
            IDictionary dictionary => dictionary.Contains(name),
            _ => false,
        };
    }
}

using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// A host's configured propagator set, in the two shapes the process needs: an OpenTelemetry
/// <see cref="TextMapPropagator"/> and .NET's <see cref="DistributedContextPropagator"/>. One per host
/// (a DI singleton); the gRPC client and ASP.NET Core parts take it from DI.
/// </summary>
internal sealed class TracingPropagators
{
    private static readonly object s_installLock = new();
    private static readonly List<TracingPropagators> s_installed = [];
    private static readonly Lazy<TracingPropagators> s_default = new(
        () => new TracingPropagators(TracingDefaults.Propagators, PropagationDiagnostics.Unmetered));

    private static DistributedContextPropagator? s_originalDistributed;
    private static TextMapPropagator? s_originalTextMap;
    private static volatile TracingPropagators? s_current;

    public TracingPropagators(IEnumerable<string> names, PropagationDiagnostics diagnostics, IIncomingRequestContext? incoming = null)
    {
        Propagator = PropagatorFactory.Create(names, diagnostics);
        DistributedPropagator = new TracingDistributedContextPropagator(Propagator);
        DefaultTextMapPropagator = incoming is null ? Propagator : new RequestAwareTextMapPropagator(Propagator, incoming);
    }

    /// <summary><c>tracecontext, baggage</c>: what <see cref="Current"/> is while no host with tracing runs.</summary>
    public static TracingPropagators Default => s_default.Value;

    /// <summary>The set of the most recently started host that is still running, else <see cref="Default"/>.</summary>
    public static TracingPropagators Current => s_current ?? Default;

    public IReadOnlyList<string> Names => Propagator.Names;

    public CompositeFormat Propagator { get; }

    public DistributedContextPropagator DistributedPropagator { get; }

    /// <summary>What is installed as OpenTelemetry's default propagator: the set, aware of requests already extracted.</summary>
    public TextMapPropagator DefaultTextMapPropagator { get; }

    /// <summary>Built from the validated options (tracing disabled: the default set, since the names were not validated).</summary>
    public static TracingPropagators Create(TracingOptions options, TracingMetrics? metrics, IIncomingRequestContext? incoming = null) =>
        new(options.Enabled ? options.Propagators ?? TracingDefaults.Propagators : TracingDefaults.Propagators, new PropagationDiagnostics(metrics), incoming);

    /// <summary>
    /// Makes the host's set the process-wide one, for what DI does not reach (<c>new HttpClient()</c>,
    /// libraries using OpenTelemetry's default propagator, <see cref="TracingPropagation"/>). Disposing
    /// the result hands the process back to the newest host still running, or to what was there before.
    /// </summary>
    public static IDisposable Install(TracingPropagators propagators)
    {
        ArgumentNullException.ThrowIfNull(propagators);
        lock (s_installLock)
        {
            if (s_installed.Count == 0)
            {
                s_originalDistributed = DistributedContextPropagator.Current;
                s_originalTextMap = Propagators.DefaultTextMapPropagator;
            }

            s_installed.Add(propagators);
            Apply(propagators);
        }

        return new Installation(propagators);
    }

    private static void Apply(TracingPropagators? propagators)
    {
        s_current = propagators;
        DistributedContextPropagator.Current = propagators?.DistributedPropagator ?? s_originalDistributed ?? DistributedContextPropagator.CreateDefaultPropagator();
        OpenTelemetry.Sdk.SetDefaultTextMapPropagator(propagators?.DefaultTextMapPropagator ?? s_originalTextMap ?? new NoopTextMapPropagator());
    }

    private sealed class Installation(TracingPropagators propagators) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            lock (s_installLock)
            {
                var wasCurrent = ReferenceEquals(s_current, propagators);
                s_installed.Remove(propagators);
                if (wasCurrent)
                {
                    Apply(s_installed.Count > 0 ? s_installed[^1] : null);
                }
            }
        }
    }

    /// <summary>OpenTelemetry's own default when nothing was installed before: propagates nothing.</summary>
    private sealed class NoopTextMapPropagator : TextMapPropagator
    {
        public override ISet<string>? Fields => null;

        public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter) => context;

        public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
        {
        }
    }
}

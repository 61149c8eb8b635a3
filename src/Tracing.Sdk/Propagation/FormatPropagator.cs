using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// One wire format (W3C trace context, W3C baggage, B3, Jaeger). It is an OpenTelemetry
/// <see cref="TextMapPropagator"/>, so it works wherever one is expected, and it also exposes its
/// two halves separately so that <see cref="CompositeFormat"/> can take the first valid context in
/// configured order while merging every format's baggage. Malformed input is counted and ignored;
/// nothing a carrier holds can make it throw.
/// </summary>
internal abstract class FormatPropagator(PropagationDiagnostics diagnostics) : TextMapPropagator
{
    /// <summary>The configuration name (<see cref="PropagatorNames"/>), also the metric's <c>format</c> tag.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the format carries a trace context (every format except <c>baggage</c>).</summary>
    public virtual bool CarriesContext => true;

    /// <summary>Whether the format carries baggage (<c>baggage</c>, and Jaeger's <c>uberctx-</c> headers).</summary>
    public virtual bool CarriesBaggage => false;

    protected PropagationDiagnostics Diagnostics { get; } = diagnostics;

    /// <summary>The remote context the carrier holds in this format, or <see langword="default"/> when absent or malformed.</summary>
    public virtual ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) => default;

    /// <summary>Adds the carrier's baggage in this format to <paramref name="baggage"/> (entries already there win).</summary>
    public virtual void ExtractBaggage<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, ref BaggageAccumulator baggage)
    {
    }

    /// <summary>Writes <paramref name="context"/> in this format.</summary>
    public abstract void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter);

    /// <summary>
    /// <see cref="ExtractContext"/> for the .NET bridge's reader, a plain virtual call: the context
    /// formats override it to call their reader directly (see <see cref="Extract"/>).
    /// </summary>
    internal virtual ActivityContext ExtractContext(TracingDistributedContextPropagator.ExtractSource source) =>
        ExtractContext(source, TracingDistributedContextPropagator.ExtractSource.Get);

    /// <summary><see cref="Inject{T}(in InjectionContext, T, Action{T, string, string})"/> for the .NET bridge's writer, a plain virtual call.</summary>
    internal virtual void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        Inject(context, target, TracingDistributedContextPropagator.InjectTarget.Setter);

    /// <inheritdoc/>
    /// <remarks>
    /// The formats that carry only a context override this (and <see cref="Inject{T}(PropagationContext, T, Action{T, string, string})"/>)
    /// to call their own reader directly: through <see cref="ExtractContext"/>, a generic virtual method,
    /// each call would pay a runtime lookup about as long as parsing a <c>traceparent</c>.
    /// </remarks>
    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null)
        {
            return context;
        }

        try
        {
            var activityContext = context.ActivityContext;
            if (CarriesContext && !InjectionContext.IsValid(activityContext))
            {
                activityContext = AsParent(context, ExtractContext(carrier, getter));
            }

            var baggage = context.Baggage;
            if (CarriesBaggage)
            {
                var accumulator = new BaggageAccumulator(baggage);
                ExtractBaggage(carrier, getter, ref accumulator);
                baggage = accumulator.ToBaggage();
            }

            return new PropagationContext(activityContext, baggage);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failed(context, ex);
        }
    }

    /// <inheritdoc/>
    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!CanInject(context, carrier, setter))
        {
            return;
        }

        try
        {
            Inject(InjectionContext.From(context), carrier, setter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(Name, ex.Message);
        }
    }

    /// <summary>Whether a context-only format reads <paramref name="carrier"/>: there is one to read, and no valid context yet.</summary>
    /// <remarks>
    /// Inlined, as <see cref="CanInject"/> is: called from shared generic code, a generic method that is not
    /// inlined costs a runtime lookup of its instantiation on every call. (Inlining the formats' larger
    /// readers as well measured slower.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool ShouldExtract<T>(in PropagationContext context, T carrier, Delegate? getter) =>
        carrier is not null && getter is not null && !InjectionContext.IsValid(context.ActivityContext);

    /// <summary><paramref name="extracted"/> as the parent, over <paramref name="context"/>'s baggage.</summary>
    protected static PropagationContext Extracted(in PropagationContext context, in ActivityContext extracted) =>
        new(AsParent(context, extracted), context.Baggage);

    /// <summary>What an extraction whose getter threw yields: <paramref name="context"/> unchanged, the failure logged.</summary>
    protected PropagationContext Failed(in PropagationContext context, Exception exception)
    {
        // The getter is caller code; whatever it throws, extraction yields "no context".
        TracingEventSource.Log.ComponentFailed(Name, exception.Message);
        return context;
    }

    /// <summary>Whether <paramref name="context"/> is written to <paramref name="carrier"/> at all.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool CanInject<T>(in PropagationContext context, T carrier, Delegate? setter) =>
        carrier is not null && setter is not null && InjectionContext.IsValid(context.ActivityContext);

    /// <summary>A request for a new debug root is no parent: only hosting hands it to a root.</summary>
    protected static ActivityContext AsParent(in PropagationContext context, in ActivityContext extracted) =>
        DebugSampling.IsRootRequest(extracted) ? context.ActivityContext : extracted;

    /// <summary>The header's only value; <see langword="null"/> when absent. Several values set <paramref name="duplicated"/>.</summary>
    protected static string? SingleValue(IEnumerable<string>? values, out bool duplicated)
    {
        duplicated = false;
        switch (values)
        {
            case null:
                return null;
            case string[] array:
                duplicated = array.Length > 1;
                return array.Length == 1 ? array[0] : null;
            case IReadOnlyList<string> list:
                duplicated = list.Count > 1;
                return list.Count == 1 ? list[0] : null;
        }

        string? first = null;
        var count = 0;
        foreach (var value in values)
        {
            if (++count > 1)
            {
                duplicated = true;
                return null;
            }

            first = value;
        }

        return first;
    }

    /// <summary>Reads a header that must appear once: a duplicate is malformed (counted) and yields <see langword="null"/>.</summary>
    protected string? ReadSingle<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, string name)
    {
        var value = SingleValue(getter(carrier, name), out var duplicated);
        if (duplicated)
        {
            Diagnostics.InvalidContext(Name);
        }

        return value;
    }
}

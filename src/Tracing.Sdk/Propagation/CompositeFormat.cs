using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The configured set, in configured order. Extract: the first format holding a valid context wins
/// (later context-only formats are not read at all), and the baggage of every baggage-carrying
/// format is merged, the first value of a key winning. Inject: every format writes. Empty for
/// <c>none</c>: extracts nothing, writes nothing.
/// </summary>
internal sealed class CompositeFormat : TextMapPropagator
{
    private readonly FormatPropagator[] _formats;
    private readonly HashSet<string> _fields;

    public CompositeFormat(IReadOnlyList<FormatPropagator> formats)
    {
        _formats = [.. formats];
        _fields = new HashSet<string>(formats.SelectMany(static f => f.Fields ?? Enumerable.Empty<string>()), StringComparer.OrdinalIgnoreCase);
        Names = [.. formats.Select(static f => f.Name)];
        CarriesBaggage = formats.Any(static f => f.CarriesBaggage);
        LeadingTraceContext = formats.FirstOrDefault(static f => f.CarriesContext) as TraceContextFormat;
    }

    /// <summary>
    /// W3C Trace Context when it is the first format that carries a context: then a valid
    /// <c>traceparent</c> is the context extracted, whatever else the carrier holds.
    /// </summary>
    public TraceContextFormat? LeadingTraceContext { get; }

    /// <summary>The formats' names, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<FormatPropagator> Formats => _formats;

    public bool CarriesBaggage { get; }

    public override ISet<string> Fields => _fields;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null || _formats.Length == 0)
        {
            return context;
        }

        try
        {
            var activityContext = InjectionContext.IsValid(context.ActivityContext)
                ? context.ActivityContext
                : ExtractContext(carrier, getter);
            if (DebugSampling.IsRootRequest(activityContext))
            {
                // No parent: an OpenTelemetry caller gets none (only hosting hands a root its request).
                activityContext = default;
            }

            var baggage = CarriesBaggage ? ExtractBaggage(context.Baggage, carrier, getter) : context.Baggage;
            return new PropagationContext(activityContext, baggage);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(CompositeFormat), ex.Message);
            return context;
        }
    }

    /// <summary>
    /// The first valid context in configured order; else the first request for a new debug root
    /// (<see cref="DebugSampling.RootRequest"/>: a request with a parent is no root), else <see langword="default"/>.
    /// </summary>
    public ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) =>
        FirstContext(new GenericReader<T>(carrier, getter));

    /// <summary>As <see cref="ExtractContext{T}"/>, for the .NET bridge's reader: each format called without a generic virtual lookup.</summary>
    public ActivityContext ExtractContext(TracingDistributedContextPropagator.ExtractSource source) =>
        FirstContext(new BridgeReader(source));

    private ActivityContext FirstContext<TReader>(TReader reader)
        where TReader : struct, IContextReader
    {
        ActivityContext rootRequest = default;
        var hasRootRequest = false;
        foreach (var format in _formats)
        {
            if (!format.CarriesContext)
            {
                continue;
            }

            var context = reader.Read(format);
            if (InjectionContext.IsValid(context))
            {
                return context;
            }

            if (!hasRootRequest && DebugSampling.IsRootRequest(context))
            {
                rootRequest = context;
                hasRootRequest = true;
            }
        }

        return rootRequest;
    }

    /// <summary>Every format's baggage, over <paramref name="initial"/>.</summary>
    public Baggage ExtractBaggage<T>(Baggage initial, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var accumulator = new BaggageAccumulator(initial);
        foreach (var format in _formats)
        {
            if (format.CarriesBaggage)
            {
                format.ExtractBaggage(carrier, getter, ref accumulator);
            }
        }

        return accumulator.ToBaggage();
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (carrier is null || setter is null || !InjectionContext.IsValid(context.ActivityContext))
        {
            return;
        }

        Inject(InjectionContext.From(context), carrier, setter);
    }

    /// <summary>Writes <paramref name="context"/> in every configured format.</summary>
    public void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter) =>
        InjectAll(context, new GenericWriter<T>(carrier, setter));

    /// <summary>As <see cref="Inject{T}(in InjectionContext, T, Action{T, string, string})"/>, for the .NET bridge's writer.</summary>
    public void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        InjectAll(context, new BridgeWriter(target));

    private void InjectAll<TWriter>(in InjectionContext context, TWriter writer)
        where TWriter : struct, IContextWriter
    {
        foreach (var format in _formats)
        {
            try
            {
                writer.Write(format, context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TracingEventSource.Log.ComponentFailed(format.Name, ex.Message);
            }
        }
    }

    /// <summary>How <see cref="FirstContext"/> asks one format (a struct, so each kind of reader gets its own compiled loop).</summary>
    private interface IContextReader
    {
        ActivityContext Read(FormatPropagator format);
    }

    private interface IContextWriter
    {
        void Write(FormatPropagator format, in InjectionContext context);
    }

    private readonly struct GenericReader<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) : IContextReader
    {
        public ActivityContext Read(FormatPropagator format) => format.ExtractContext(carrier, getter);
    }

    private readonly struct BridgeReader(TracingDistributedContextPropagator.ExtractSource source) : IContextReader
    {
        public ActivityContext Read(FormatPropagator format) => format.ExtractContext(source);
    }

    private readonly struct GenericWriter<T>(T carrier, Action<T, string, string> setter) : IContextWriter
    {
        public void Write(FormatPropagator format, in InjectionContext context) => format.Inject(context, carrier, setter);
    }

    private readonly struct BridgeWriter(TracingDistributedContextPropagator.InjectTarget target) : IContextWriter
    {
        public void Write(FormatPropagator format, in InjectionContext context) => format.Inject(context, target);
    }
}

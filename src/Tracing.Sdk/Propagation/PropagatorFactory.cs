using OpenTelemetry.Context.Propagation;

namespace Tracing.Sdk.Propagation;

/// <summary>Builds the configured propagator set, in configured order.</summary>
internal static class PropagatorFactory
{
    public static TextMapPropagator Create(IEnumerable<string> names)
    {
        var propagators = new List<TextMapPropagator>();
        foreach (var raw in names)
        {
            switch (raw.Trim().ToLowerInvariant())
            {
                case PropagatorNames.TraceContext:
                    propagators.Add(new TraceContextPropagator());
                    break;
                case PropagatorNames.Baggage:
                    propagators.Add(new BaggagePropagator());
                    break;
                case PropagatorNames.None:
                    break;
                default:
                    throw new ArgumentException($"Unknown propagator '{raw}'.", nameof(names));
            }
        }

        return new CompositeTextMapPropagator(propagators);
    }
}

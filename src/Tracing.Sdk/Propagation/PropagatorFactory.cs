namespace Tracing.Sdk.Propagation;

/// <summary>Builds the configured propagator set, in configured order.</summary>
internal static class PropagatorFactory
{
    /// <summary>
    /// One <see cref="FormatPropagator"/> per distinct name, in order; <c>none</c> (or an empty list)
    /// gives an empty set. Names were validated at start-up; an unknown one here is a programming error.
    /// </summary>
    public static CompositeFormat Create(IEnumerable<string> names, PropagationDiagnostics diagnostics)
    {
        var formats = new List<FormatPropagator>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            var name = raw.Trim().ToLowerInvariant();
            if (!seen.Add(name))
            {
                continue;
            }

            switch (name)
            {
                case PropagatorNames.TraceContext:
                    formats.Add(new TraceContextFormat(diagnostics));
                    break;
                case PropagatorNames.Baggage:
                    formats.Add(new BaggageFormat(diagnostics));
                    break;
                case PropagatorNames.B3:
                    formats.Add(new B3SingleFormat(diagnostics));
                    break;
                case PropagatorNames.B3Multi:
                    formats.Add(new B3MultiFormat(diagnostics));
                    break;
                case PropagatorNames.Jaeger:
                    formats.Add(new JaegerFormat(diagnostics));
                    break;
                case PropagatorNames.None:
                    break;
                default:
                    throw new ArgumentException($"Unknown propagator '{raw}'.", nameof(names));
            }
        }

        return new CompositeFormat(formats);
    }
}

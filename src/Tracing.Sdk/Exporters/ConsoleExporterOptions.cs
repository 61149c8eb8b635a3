namespace Tracing.Sdk.Exporters;

/// <summary>
/// The console waterfall exporter (<c>Tracing:Console</c>): when a trace's local root span ends, the
/// spans held for that trace are printed as one indented tree with time bars.
/// </summary>
public sealed class ConsoleExporterOptions
{
    /// <summary>
    /// Seconds a trace fragment is held waiting for its root span; older fragments are printed as they
    /// are. &gt; 0. Default 30.
    /// </summary>
    public int MaxTraceAgeSeconds { get; set; } = 30;

    /// <summary>Spans held per trace; later spans of that trace are counted, not printed. 1..100000. Default 500.</summary>
    public int MaxSpansPerTrace { get; set; } = 500;

    /// <summary>Traces held at once; the oldest is printed early to make room. 1..100000. Default 1000.</summary>
    public int MaxTraces { get; set; } = 1000;
}

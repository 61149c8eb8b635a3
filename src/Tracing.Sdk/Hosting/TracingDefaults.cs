using Tracing.Sdk.Exporters;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Hosting;

/// <summary>Built-in defaults applied where no layer set a value.</summary>
internal static class TracingDefaults
{
    public const string DefaultServiceName = "unknown_service";

    public static readonly string[] Propagators = [PropagatorNames.TraceContext, PropagatorNames.Baggage];

    public static readonly string[] Exporters = [ExporterNames.Otlp];

    public static readonly string[] DevelopmentExporters = [ExporterNames.Otlp, ExporterNames.Console];

    public static readonly string[] ExcludePaths = ["/health", "/healthz", "/alive", "/metrics"];
}

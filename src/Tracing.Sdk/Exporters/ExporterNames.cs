namespace Tracing.Sdk.Exporters;

/// <summary>Values of <see cref="TracingOptions.Exporters"/> (<c>OTEL_TRACES_EXPORTER</c> spelling).</summary>
internal static class ExporterNames
{
    public const string Otlp = "otlp";
    public const string JaegerUdp = "jaegerudp";
    public const string Console = "console";
    public const string None = "none";

    public static readonly string[] All = [Otlp, JaegerUdp, Console, None];
}

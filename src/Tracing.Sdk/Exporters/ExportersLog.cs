using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Exporters;

/// <summary>What operators should see about the exporters, as source-generated log methods.</summary>
internal static partial class ExportersLog
{
    [LoggerMessage(201, LogLevel.Information, "The app exports traces by OTLP itself ({AppExporter}): the SDK's OTLP exporter stands aside so that no span is sent twice.")]
    public static partial void OtlpStoodAside(ILogger logger, string appExporter);
}

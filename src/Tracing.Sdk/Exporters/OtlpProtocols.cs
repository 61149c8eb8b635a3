namespace Tracing.Sdk.Exporters;

/// <summary>Values of <see cref="OtlpOptions.Protocol"/> (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c> spelling).</summary>
internal static class OtlpProtocols
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    public static readonly string[] All = [Grpc, HttpProtobuf];
}

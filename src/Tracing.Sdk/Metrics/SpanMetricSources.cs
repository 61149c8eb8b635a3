namespace Tracing.Sdk.Metrics;

/// <summary>Source names span metrics treat specially.</summary>
internal static class SpanMetricSources
{
    /// <summary>HttpClient's own source; its spans are counted at HttpClient's stop event.</summary>
    public const string HttpClient = Http.HttpClientSpanNames.SourceName;

    /// <summary>The SDK's own sources (<c>Tracing.Sdk</c>, <c>Tracing.Sdk.*</c>).</summary>
    public const string SdkPrefix = "Tracing.Sdk";

    /// <summary>
    /// Grpc.Net.Client's source: its Activity is a gRPC call's span, counted when the gRPC package is in
    /// the app (<see cref="GrpcNetClientDescribed"/>), which names and describes it before it stops.
    /// </summary>
    public const string GrpcNetClient = Conventions.GrpcLibraryTags.ClientSourceName;

    private static volatile bool s_grpcNetClientDescribed;

    /// <summary>Whether the gRPC package has registered (it describes Grpc.Net.Client's Activity, recorded or not).</summary>
    public static bool GrpcNetClientDescribed
    {
        get => s_grpcNetClientDescribed;
        set => s_grpcNetClientDescribed = value;
    }
}

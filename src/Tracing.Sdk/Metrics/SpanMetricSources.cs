namespace Tracing.Sdk.Metrics;

/// <summary>Source names span metrics treat specially.</summary>
internal static class SpanMetricSources
{
    /// <summary>HttpClient's own source; its spans are counted at HttpClient's stop event.</summary>
    public const string HttpClient = Http.HttpClientSpanNames.SourceName;

    /// <summary>The SDK's own sources (<c>Tracing.Sdk</c>, <c>Tracing.Sdk.*</c>).</summary>
    public const string SdkPrefix = "Tracing.Sdk";
}

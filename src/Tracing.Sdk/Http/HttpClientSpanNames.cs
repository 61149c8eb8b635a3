namespace Tracing.Sdk.Http;

/// <summary>
/// Names .NET's HttpClient instrumentation uses (dotnet/runtime <c>DiagnosticsHandler</c>) and the
/// stable HTTP client semantic-convention attributes the SDK sets on its span.
/// </summary>
internal static class HttpClientSpanNames
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> HttpClient starts its client span from.</summary>
    public const string SourceName = "System.Net.Http";

    /// <summary>The <see cref="System.Diagnostics.DiagnosticListener"/> HttpClient reports requests and responses to.</summary>
    public const string DiagnosticListenerName = "HttpHandlerDiagnosticListener";

    /// <summary>The Activity operation name; also what HttpClient asks a DiagnosticListener before creating an Activity of its own.</summary>
    public const string ActivityName = "System.Net.Http.HttpRequestOut";

    /// <summary>Written just before the span stops, with the request, the response (if any) and the task status.</summary>
    public const string StopEvent = "System.Net.Http.HttpRequestOut.Stop";

    /// <summary>Written when sending fails with anything but cancellation, with the exception.</summary>
    public const string ExceptionEvent = "System.Net.Http.Exception";

    // Semantic conventions, HTTP client spans (stable): https://opentelemetry.io/docs/specs/semconv/http/http-spans/
    public const string RequestMethod = "http.request.method";
    public const string RequestMethodOriginal = "http.request.method_original";
    public const string ResponseStatusCode = "http.response.status_code";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string UrlFull = "url.full";
    public const string ErrorType = "error.type";
    public const string NetworkProtocolVersion = "network.protocol.version";

    /// <summary>Span name when the method is not a known one (semconv "Name": <c>HTTP</c>).</summary>
    public const string UnknownMethodSpanName = "HTTP";

    /// <summary><c>http.request.method</c> value for a method that is not known.</summary>
    public const string OtherMethod = "_OTHER";

    /// <summary>Overrides the list of known methods (semconv <c>http.request.method</c>, note 1).</summary>
    public const string KnownMethodsVariable = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS";
}

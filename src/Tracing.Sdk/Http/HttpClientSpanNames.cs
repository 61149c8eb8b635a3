namespace Tracing.Sdk.Http;

/// <summary>
/// Names .NET's HttpClient instrumentation uses (dotnet/runtime <c>DiagnosticsHandler</c>); the
/// attribute names the SDK sets on its span are in <see cref="Conventions.SemanticConventions"/>.
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

}

namespace Tracing.Sdk.Http;

/// <summary>
/// What HttpClient reported about one call, kept on its span (as a custom property) until the span
/// ends and <see cref="HttpClientSpanProcessor"/> turns it into attributes with the host's options.
/// </summary>
internal sealed class HttpClientCall
{
    /// <summary>The <see cref="System.Diagnostics.Activity.GetCustomProperty(string)"/> key.</summary>
    public const string PropertyKey = "Tracing.Sdk.Http.Call";

    public HttpRequestMessage? Request { get; set; }

    public HttpResponseMessage? Response { get; set; }

    /// <summary>The failure HttpClient reported; <see langword="null"/> for success and for cancellation.</summary>
    public Exception? Exception { get; set; }

    /// <summary>Whether the send was cancelled (HttpClient reports no exception object for that).</summary>
    public bool Cancelled { get; set; }

    /// <summary>Lets go of the request, response and exception once the span has been described.</summary>
    public void Release()
    {
        Request = null;
        Response = null;
        Exception = null;
    }
}

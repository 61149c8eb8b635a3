using System.Diagnostics;

namespace Tracing.Sdk.Http;

/// <summary>
/// What HttpClient reported about the call ending on this thread, handed from
/// <see cref="HttpClientDiagnostics"/> to <see cref="HttpClientSpanProcessor"/> without a per-call
/// object: HttpClient writes its exception event, then its stop event, then stops its span, all on the
/// thread that ends the call, and the provider runs the processor's <c>OnEnd</c> inside that stop. So one
/// reusable record per thread is enough; it names the span it is for, and the processor takes it only
/// for that span and lets go of the request and response at once.
/// </summary>
internal sealed class HttpClientCall
{
    [ThreadStatic]
    private static HttpClientCall? t_current;

    /// <summary>The span the record is for; <see langword="null"/> when it holds nothing.</summary>
    public Activity? Activity { get; private set; }

    public HttpRequestMessage? Request { get; set; }

    public HttpResponseMessage? Response { get; set; }

    /// <summary>The failure HttpClient reported; <see langword="null"/> for success and for cancellation.</summary>
    public Exception? Exception { get; set; }

    /// <summary>Whether the send was cancelled (HttpClient reports no exception object for that).</summary>
    public bool Cancelled { get; set; }

    /// <summary>This thread's record for <paramref name="activity"/>, emptied first if it held another span's call.</summary>
    public static HttpClientCall For(Activity activity)
    {
        var call = t_current ??= new HttpClientCall();
        if (!ReferenceEquals(call.Activity, activity))
        {
            call.Release();
            call.Activity = activity;
        }

        return call;
    }

    /// <summary>This thread's record if it is for <paramref name="activity"/>; else <see langword="null"/>.</summary>
    public static HttpClientCall? Find(Activity activity) =>
        t_current is { } call && ReferenceEquals(call.Activity, activity) ? call : null;

    /// <summary>Lets go of the span, request, response and exception once the span has been described.</summary>
    public void Release()
    {
        Activity = null;
        Request = null;
        Response = null;
        Exception = null;
        Cancelled = false;
    }
}

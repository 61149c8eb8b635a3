namespace Tracing.Sdk.Http;

/// <summary>
/// The readers of HttpClient's stop event payload (<c>Request</c>, <c>Response</c>,
/// <c>RequestTaskStatus</c>) and of its exception event payload (<c>Exception</c>), bound for the
/// payload types the runtime writes (one of each per process, so the last one seen is kept).
/// </summary>
internal sealed class HttpStopPayload
{
    private static HttpStopPayload? s_stop;
    private static ExceptionPayload? s_exception;

    private HttpStopPayload(Type type)
    {
        Type = type;
        Request = PayloadProperty<HttpRequestMessage>.Bind(type, "Request");
        Response = PayloadProperty<HttpResponseMessage>.Bind(type, "Response");
        Status = PayloadProperty<TaskStatus>.Bind(type, "RequestTaskStatus");
    }

    public Type Type { get; }

    public PayloadProperty<HttpRequestMessage> Request { get; }

    public PayloadProperty<HttpResponseMessage> Response { get; }

    public PayloadProperty<TaskStatus> Status { get; }

    /// <summary>The readers for a stop payload of <paramref name="type"/>.</summary>
    public static HttpStopPayload For(Type type)
    {
        var readers = Volatile.Read(ref s_stop);
        if (readers is null || readers.Type != type)
        {
            readers = new HttpStopPayload(type);
            Volatile.Write(ref s_stop, readers);
        }

        return readers;
    }

    /// <summary>The exception of an exception event payload.</summary>
    public static Exception? ExceptionOf(object payload)
    {
        var type = payload.GetType();
        var readers = Volatile.Read(ref s_exception);
        if (readers is null || readers.Type != type)
        {
            readers = new ExceptionPayload(type, PayloadProperty<Exception>.Bind(type, "Exception"));
            Volatile.Write(ref s_exception, readers);
        }

        return readers.Exception.Read(payload);
    }

    private sealed record ExceptionPayload(Type Type, PayloadProperty<Exception> Exception);
}

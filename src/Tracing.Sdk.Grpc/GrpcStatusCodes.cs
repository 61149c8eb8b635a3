namespace Tracing.Sdk.Grpc;

/// <summary>
/// gRPC status codes (grpc/grpc <c>doc/statuscodes.md</c>) and the mappings the protocol defines for
/// calls that end without a <c>grpc-status</c>: from the HTTP status (<c>doc/http-grpc-status-mapping.md</c>)
/// and from an HTTP/2 <c>RST_STREAM</c> error code (<c>doc/PROTOCOL-HTTP2.md</c>, "Errors").
/// </summary>
internal static class GrpcStatusCodes
{
    public const int Ok = 0;
    public const int Cancelled = 1;
    public const int Unknown = 2;
    public const int DeadlineExceeded = 4;
    public const int Unimplemented = 12;
    public const int PermissionDenied = 7;
    public const int ResourceExhausted = 8;
    public const int Internal = 13;
    public const int Unavailable = 14;
    public const int Unauthenticated = 16;

    private static readonly object[] s_boxed = Enumerable.Range(0, 17).Select(static i => (object)i).ToArray();

    /// <summary>The codes' names in statuscodes.md, by value.</summary>
    private static readonly string[] s_names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>The code as a tag value, boxed once for the seventeen defined codes.</summary>
    public static object Box(int code) => (uint)code < (uint)s_boxed.Length ? s_boxed[code] : code;

    /// <summary>The status a client reports for an HTTP response that is not 200 and carries no <c>grpc-status</c>.</summary>
    public static int FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => Internal,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => Unimplemented,
        429 or 502 or 503 or 504 => Unavailable,
        _ => Unknown,
    };

    /// <summary>The status for a stream reset by the peer with HTTP/2 error <paramref name="errorCode"/>.</summary>
    public static int FromHttp2Error(long errorCode) => errorCode switch
    {
        0x7 => Unavailable,        // REFUSED_STREAM: the request was not processed, a retry is safe
        0x8 => Cancelled,          // CANCEL
        0xb => ResourceExhausted,  // ENHANCE_YOUR_CALM
        0xc => PermissionDenied,   // INADEQUATE_SECURITY
        _ => Internal,             // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, ... HTTP_1_1_REQUIRED
    };

    /// <summary>The code named <paramref name="name"/> (<c>NOT_FOUND</c>), or written as its number.</summary>
    public static bool TryParse(string? name, out int code)
    {
        code = Array.IndexOf(s_names, name);
        return code >= 0
            || int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out code);
    }
}

namespace Tracing.Sdk.Conventions;

/// <summary>
/// Names of gRPC over HTTP/2 (grpc/grpc <c>doc/PROTOCOL-HTTP2.md</c>, <c>doc/statuscodes.md</c>) that the
/// SDK reads or writes, in one place: the gRPC client span, the recognition of gRPC server calls, and the
/// remote sampler's gRPC poll.
/// </summary>
internal static class GrpcProtocolNames
{
    /// <summary>
    /// The content type of requests and responses ("Content-Type"): <c>application/grpc</c>, optionally
    /// followed by <c>+proto</c>, <c>+json</c>, ...
    /// </summary>
    public const string ContentType = "application/grpc";

    /// <summary>Response trailer (or header, in a Trailers-Only response) with the call's status code.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>Percent-encoded UTF-8 description of a non-OK status.</summary>
    public const string MessageHeader = "grpc-message";

    /// <summary>Request header with the time the caller allows the call (<c>TimeoutValue TimeoutUnit</c>).</summary>
    public const string TimeoutHeader = "grpc-timeout";

    /// <summary>
    /// The <c>te</c> value every request carries ("Requests": <c>TE → "te" "trailers"</c>), so that a
    /// proxy that would drop trailers can refuse the call instead.
    /// </summary>
    public const string TrailersTransferCoding = "trailers";

    /// <summary>The status codes' names, by code (statuscodes.md).</summary>
    private static readonly string[] s_statusNames =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>
    /// True for <c>application/grpc</c> and <c>application/grpc+format</c> media types. gRPC-Web
    /// (<c>application/grpc-web</c>) carries its trailers in the body and is not gRPC over HTTP/2.
    /// </summary>
    public static bool IsGrpcMediaType(string? mediaType) =>
        mediaType is not null
        && mediaType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
        && (mediaType.Length == ContentType.Length || mediaType[ContentType.Length] is '+' or ';');

    /// <summary>The name of a status code, e.g. <c>UNAVAILABLE</c>; codes outside the defined seventeen read <c>code 42</c>.</summary>
    public static string StatusName(int code) =>
        (uint)code < (uint)s_statusNames.Length ? s_statusNames[code] : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"code {code}");
}

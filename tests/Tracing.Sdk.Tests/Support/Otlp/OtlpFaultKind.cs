namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>How the test receiver misbehaves for one export request.</summary>
public enum OtlpFaultKind
{
    /// <summary>Answer with a gRPC status (Trailers-Only, or headers then trailers), optionally with a RetryInfo detail.</summary>
    GrpcStatus,

    /// <summary>Answer with an HTTP status, optionally with a <c>Retry-After</c> header.</summary>
    HttpStatus,

    /// <summary>Take the request and hold it for a while (or until the client gives up), then answer normally.</summary>
    Delay,

    /// <summary>Take the request and abort the connection without answering.</summary>
    CloseConnection,
}

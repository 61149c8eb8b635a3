namespace Tracing.Sdk.AspNetCore;

/// <summary>Parsed <see cref="AspNetCoreTracingOptions.IncomingContext"/>.</summary>
internal enum IncomingContextMode
{
    /// <summary><c>continue</c>: the caller's trace goes on (W3C Trace Context, section 3: the server is part of the caller's trace).</summary>
    Continue,

    /// <summary><c>restart</c>: a new root trace sampled here; the caller's context kept as a span link.</summary>
    Restart,

    /// <summary><c>ignore</c>: a new root trace, no link.</summary>
    Ignore,
}

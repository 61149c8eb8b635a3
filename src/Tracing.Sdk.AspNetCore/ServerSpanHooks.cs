using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Code hooks for ASP.NET Core server spans, set with <c>services.ConfigureServerSpans(...)</c>. The
/// settings that configuration can hold are under <c>Tracing:AspNetCore</c> (<see cref="AspNetCoreTracingOptions"/>).
/// </summary>
public sealed class ServerSpanHooks
{
    /// <summary>
    /// Called with each server span and its request once the response has been produced, to add
    /// attributes of the app's own. Default none. An exception it throws is contained and counted,
    /// never passed to the request.
    /// </summary>
    public Action<Activity, HttpContext>? Enrich { get; set; }

    /// <summary>
    /// Returns <see langword="false"/> for requests that get no span (nor child spans). Default: every
    /// request not in <c>Tracing:AspNetCore:ExcludePaths</c>. A filter that throws leaves the request traced.
    /// </summary>
    public Func<HttpContext, bool>? Filter { get; set; }
}

using Tracing.Sdk.Conventions;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Http;

/// <summary>Builds the host's <see cref="HttpClientSpanProcessor"/> from its options and <c>OTEL_*</c> variables.</summary>
internal static class HttpClientSpanProcessorFactory
{
    public static HttpClientSpanProcessor Create(TracingOptions options, OtelEnvironment environment) => new(
        new UrlRedaction(options.AspNetCore.QueryAllowList),
        HttpMethodNames.FromOverride(environment.Get(SemanticConventions.KnownMethodsVariable)));
}

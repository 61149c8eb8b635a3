using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Http;

/// <summary>Builds the host's <see cref="HttpClientSpanProcessor"/> from its options and <c>OTEL_*</c> variables.</summary>
internal static class HttpClientSpanProcessorFactory
{
    public static HttpClientSpanProcessor Create(TracingPipelineContext context)
    {
        var environment = context.Services.GetService<OtelEnvironment>() ?? new OtelEnvironment();
        return new HttpClientSpanProcessor(
            new UrlRedaction(context.Options.AspNetCore.QueryAllowList),
            HttpMethodNames.FromOverride(environment.Get(SemanticConventions.KnownMethodsVariable)));
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Tracing.Sdk;
using Tracing.Sdk.Grpc;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds gRPC client tracing to a client made by <c>IHttpClientFactory</c>.</summary>
public static class GrpcTracingHttpClientBuilderExtensions
{
    /// <summary>
    /// Gives every gRPC call of this client one CLIENT span named <c>{package.Service}/{Method}</c>,
    /// ended by the call's <c>grpc-status</c> (or its cancellation, deadline or failure), and injects the
    /// trace context into the call's metadata with the host's propagators. Works for any named or typed
    /// client, including <c>services.AddGrpcClient&lt;T&gt;(...)</c>. HttpClient's span beneath it is
    /// suppressed unless <c>Tracing:Grpc:SuppressHttpClientSpans</c> is <see langword="false"/>.
    /// Calling it more than once for a client adds one handler.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder AddGrpcTracing(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<HttpClientFactoryOptions>(builder.Name, static options =>
            options.HttpMessageHandlerBuilderActions.Add(static handlers =>
            {
                if (!handlers.AdditionalHandlers.Any(static h => h is GrpcClientTracingHandler))
                {
                    handlers.AdditionalHandlers.Add(CreateHandler(handlers.Services));
                }
            }));
        return builder;
    }

    private static GrpcClientTracingHandler CreateHandler(IServiceProvider services)
    {
        var suppress = true;
        try
        {
            suppress = services.GetService<IOptions<TracingOptions>>()?.Value.Grpc.SuppressHttpClientSpans ?? true;
        }
        catch (OptionsValidationException)
        {
            // Invalid options stop the host at start; a client made before that keeps the defaults.
        }

        return new GrpcClientTracingHandler(
            services.GetService<DistributedContextPropagator>(),
            suppress,
            services.GetService<TimeProvider>());
    }
}

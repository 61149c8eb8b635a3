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
    /// Adds the gRPC tracing handler to this client. For a Grpc.Net.Client client
    /// (<c>services.AddGrpcClient&lt;T&gt;(...)</c>) a call's span is Grpc.Net.Client's own Activity, which
    /// <c>AddTracing</c> records and names <c>{package.Service}/{Method}</c>; the handler adds
    /// <c>server.address</c> / <c>server.port</c> and injects the span's context into the call's metadata
    /// with the host's propagators. Any other named or typed client sending gRPC requests gets one CLIENT
    /// span per call of the handler's own, ended by the call's <c>grpc-status</c> (or its cancellation,
    /// deadline or failure). HttpClient's span beneath either is suppressed unless
    /// <c>Tracing:Grpc:SuppressHttpClientSpans</c> is <see langword="false"/>. Calling it more than once for a
    /// client adds one handler.
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

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>
/// The hosts of the upstream comparison: a Kestrel server on 127.0.0.1 (an ephemeral port) serving
/// <c>GET /hello/{id}</c> and a unary gRPC method, traced as one <see cref="TracingVariant"/>; and a
/// host that only traces (a worker, for the client benchmarks, whose server is left untraced).
/// </summary>
internal static class BenchmarkHosts
{
    /// <summary>The unary method's path: service <c>bench.Echo</c>, method <c>Unary</c>.</summary>
    public const string GrpcPath = "/bench.Echo/Unary";

    /// <summary>A gRPC message: the 5-byte frame header (not compressed, length 5) and a 5-byte protobuf body.</summary>
    private static readonly byte[] s_grpcReply = [0, 0, 0, 0, 5, 0x0a, 0x03, (byte)'a', (byte)'b', (byte)'c'];

    public static async Task<WebApplication> StartServerAsync(
        TracingVariant variant,
        Action<TracerProviderBuilder> instrumentation,
        Func<BaseProcessor<Activity>> exportProcessor,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        Action<HttpContext>? onRequest = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        TracingSetup.Apply(builder, variant, instrumentation, exportProcessor);
        var app = builder.Build();
        app.MapGet("/hello/{id}", (string id, HttpContext context) =>
        {
            onRequest?.Invoke(context);
            return "hello " + id;
        });
        app.MapPost(GrpcPath, async context =>
        {
            onRequest?.Invoke(context);

            // Read the request to its end: a stream answered before its request is read has to be
            // reset, and Kestrel answers a run of resets with ENHANCE_YOUR_CALM (rapid-reset defence).
            var reader = context.Request.BodyReader;
            for (var read = await reader.ReadAsync(); ; read = await reader.ReadAsync())
            {
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(s_grpcReply);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A host that traces and serves nothing (null for <see cref="TracingVariant.None"/>).</summary>
    public static async Task<IHost?> StartTracingAsync(
        TracingVariant variant,
        Action<TracerProviderBuilder> instrumentation,
        Func<BaseProcessor<Activity>> exportProcessor)
    {
        if (variant == TracingVariant.None)
        {
            return null;
        }

        var builder = Host.CreateApplicationBuilder();
        TracingSetup.Apply(builder, variant, instrumentation, exportProcessor);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static Uri BaseAddress(WebApplication app) => new(app.Urls.First());

    public static async Task StopAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        await host.StopAsync();
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}

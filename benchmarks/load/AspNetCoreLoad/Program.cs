using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// usage: AspNetCoreLoad none|otel|tracing <port> <sink-port>   (serves GET /hello on 127.0.0.1:<port>)
//        AspNetCoreLoad sink <port>                           (OTLP/gRPC sink on <port>, counts on <port>+1)
var mode = args.Length > 0 ? args[0] : "none";
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 18080;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();

if (mode == "sink")
{
    // A live OTLP/gRPC receiver that reads every export request whole and answers OK (an empty
    // ExportTraceServiceResponse: one uncompressed zero-length message, grpc-status 0).
    long requests = 0, bytes = 0;
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2);
        k.Listen(System.Net.IPAddress.Loopback, port + 1, l => l.Protocols = HttpProtocols.Http1);
        k.Limits.MaxRequestBodySize = null;
    });
    var sink = builder.Build();
    sink.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", async context =>
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            Interlocked.Add(ref bytes, read);
        }

        Interlocked.Increment(ref requests);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    });
    sink.MapGet("/stats", () => $"{Interlocked.Read(ref requests)} {Interlocked.Read(ref bytes)}");
    await sink.RunAsync();
    return;
}

var sinkPort = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 18317;
var sinkEndpoint = new Uri($"http://127.0.0.1:{sinkPort}");
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));

TracerProvider? raw = null;
switch (mode)
{
    case "none":
        break;
    case "otel":
        // Raw OpenTelemetry: the hosting Activity as it comes, parent-based always-on, batch OTLP/gRPC.
        raw = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("load-otel"))
            .AddSource("Microsoft.AspNetCore")
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = sinkEndpoint;
                o.Protocol = OtlpExportProtocol.Grpc;
                o.ExportProcessorType = ExportProcessorType.Batch;
            })
            .Build();
        break;
    case "tracing":
        // The same sampler, exporter and batch settings through AddTracing.
        builder.Services.AddTracing(o =>
        {
            o.ServiceName = "load-tracing";
            o.Sampler.Type = "const";
            o.Sampler.Param = 1;
            o.Exporters = ["otlp"];
            o.Otlp.Endpoint = sinkEndpoint.ToString().TrimEnd('/');
            o.Otlp.Protocol = "grpc";
        });
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return;
}

var app = builder.Build();
app.MapGet("/hello", () => "Hello, World!");
await app.RunAsync();
raw?.Dispose();

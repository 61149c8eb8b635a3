using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>
/// AddTracing joins OpenTelemetry's hosting model: one provider per container, shared with everything
/// the app adds the OpenTelemetry way, in either order — including OpenTelemetry's own ASP.NET Core and
/// HttpClient instrumentation and OTLP exporter (the Aspire service-defaults shape) — on real Kestrel
/// with the test OTLP receiver.
/// </summary>
[Collection(Tracing.Sdk.Tests.AspNetCore.SamplingIsolation.Name)] // a library span is exported only while this is the one host running
public sealed class OpenTelemetryCompositionTests
{
    public enum Shape
    {
        /// <summary>AddTracing alone, exporting with its own OTLP exporter.</summary>
        TracingOnly,

        /// <summary>AddOpenTelemetry().WithTracing(upstream instrumentation + AddOtlpExporter) first, then AddTracing.</summary>
        UpstreamBefore,

        /// <summary>AddTracing first, then AddOpenTelemetry().WithTracing(upstream instrumentation + AddOtlpExporter).</summary>
        UpstreamAfter,

        /// <summary>AddTracing, then the upstream instrumentation and OpenTelemetry's cross-signal UseOtlpExporter().</summary>
        UpstreamUseOtlp,
    }

    [Theory]
    [InlineData(Shape.TracingOnly)]
    [InlineData(Shape.UpstreamBefore)]
    [InlineData(Shape.UpstreamAfter)]
    [InlineData(Shape.UpstreamUseOtlp)]
    public async Task ServiceDefaultsShape_EachSpanArrivesOnce_OneServerSpanPerRequest_WholeTraces(Shape shape)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var spans = await RunFrontBackAsync(receiver, shape, requests: 7);

        // No span id twice: one provider, one exporter.
        Assert.Equal(spans.Count, spans.Select(s => s.SpanId).Distinct().Count());

        // Each request: one server span for /front (the root: the test calls without a span), one
        // HttpClient span, one server span for /back — 3 spans per trace, every parent exported.
        var traces = spans.GroupBy(s => s.TraceId).ToList();
        Assert.Equal(7, traces.Count);
        foreach (var trace in traces)
        {
            Assert.Equal(3, trace.Count());
            var root = Assert.Single(trace, s => s.ParentSpanId.Length == 0);
            Assert.Equal("GET /front/{id}", root.Name);
            Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.Name == "GET");
            Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.Name == "GET /back/{id}");
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            Assert.All(trace, s => Assert.True(s.ParentSpanId.Length == 0 || ids.Contains(s.ParentSpanId), $"{s.Name} has a parent nobody exported"));
        }
    }

    [Theory]
    [InlineData(Shape.UpstreamBefore)]
    [InlineData(Shape.UpstreamAfter)]
    [InlineData(Shape.UpstreamUseOtlp)]
    public async Task WithUpstreamInstrumentation_SpansHaveTheSameNameAndAttributesAsWithout(Shape shape)
    {
        await using var alone = await OtlpReceiver.StartAsync();
        await using var composed = await OtlpReceiver.StartAsync();
        var expected = Describe(await RunFrontBackAsync(alone, Shape.TracingOnly, requests: 2));
        var actual = Describe(await RunFrontBackAsync(composed, shape, requests: 2));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GrpcLikeServerSpan_KeepsItsRpcNameAndNoHttpAttributes_WithUpstreamInstrumentation(bool upstream)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = TracingHost.OtlpSettings(receiver, "composition-grpc");
        await using var app = await TracingHost.StartWebAsync(settings, map: app =>
        {
            app.MapPost("/demo.Greeter/SayHello", static context =>
            {
                // A Trailers-Only answer: the status in the headers (this test's client speaks HTTP/1.1).
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "0";
                return Task.CompletedTask;
            });
        }, configure: builder =>
        {
            if (upstream)
            {
                builder.Services.AddOpenTelemetry().WithTracing(static t => t.AddAspNetCoreInstrumentation());
            }
        });

        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, app.BaseAddress() + "/demo.Greeter/SayHello")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        using (await client.SendAsync(request))
        {
        }

        await app.StopAsync();
        var server = Assert.Single(receiver.Spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("demo.Greeter/SayHello", server.Name);
        Assert.Equal("grpc", server.Attribute("rpc.system"));
        Assert.Equal(0L, server.Attribute("rpc.grpc.status_code"));
        Assert.Null(server.Attribute("http.request.method"));
        Assert.Null(server.Attribute("url.path"));
        Assert.Null(server.Attribute("http.route"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LibrarySource_AddedTheOpenTelemetryWay_IsRecordedAndExported(bool beforeAddTracing)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var library = $"Some.Library.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Otlp(receiver, "library-host"));
        if (beforeAddTracing)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(b => b.AddSource(library));
        }

        builder.Services.AddTracing();
        if (!beforeAddTracing)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(b => b.AddSource(library));
        }

        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();
        await host.StartAsync();
        using (var source = new ActivitySource(library))
        using (source.StartActivity("library work"))
        {
        }

        await host.StopAsync();

        var span = Assert.Single(receiver.Spans, s => s.ScopeName == library);
        Assert.Equal("library work", span.Name);
        Assert.Equal("library-host", span.ServiceName);
    }

    [Fact]
    public async Task TheProviderInDi_IsTheOneThatExports_AndTheAppsProcessorsShareIt()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Di.{Guid.NewGuid():N}";
        var seen = new ParentCapturingProcessor();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        var settings = Otlp(receiver, "di-host");
        settings["Tracing:Sources:0"] = sourceName;
        settings["Tracing:Batch:ScheduledDelayMilliseconds"] = "600000"; // only a flush delivers
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddProcessor(seen));
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<TracerProvider>();
        using (new ActivitySource(sourceName).StartActivity("flushed by the DI provider"))
        {
        }

        Assert.True(provider.ForceFlush(10_000));
        var span = Assert.Single(receiver.Spans, s => s.ScopeName == sourceName);
        Assert.Equal("flushed by the DI provider", span.Name);
        Assert.Same(provider, seen.Parent);
        Assert.Equal(["flushed by the DI provider"], seen.Ended);
        await host.StopAsync();
    }

    [Fact]
    public async Task AppProcessorRegisteredFirst_SeesSpansTheSdkHasAlreadyNamed()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var seen = new ParentCapturingProcessor();
        await using var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, "order"),
            map: app => app.MapGet("/orders/{id}", (string id) => id),
            configure: builder =>
            {
                // Registered after AddTracing in this builder; the SDK's enrichment still runs first.
                builder.Services.AddOpenTelemetry().WithTracing(t => t.AddProcessor(seen));
            });

        using var client = new HttpClient();
        await client.GetStringAsync(app.BaseAddress() + "/orders/7");
        await app.StopAsync();

        Assert.Contains("GET /orders/{id}", seen.Ended);
    }

    [Fact]
    public async Task MetricsAndLogs_OnTheSameBuilder_CarryTheSdksServiceName()
    {
        var metricResource = new ResourceCapturingMetricExporter();
        var logResource = new ResourceCapturingLogProcessor();
        var meterName = $"Composition.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "orders",
            ["Tracing:ServiceVersion"] = "1.4.2",
            ["Tracing:Exporters:0"] = "none",
        });
        builder.Services.AddTracing();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter(meterName).AddReader(new OpenTelemetry.Metrics.BaseExportingMetricReader(metricResource)))
            .WithLogging(l => l.AddProcessor(logResource));
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();
        await host.StartAsync();

        using (var meter = new System.Diagnostics.Metrics.Meter(meterName))
        {
            meter.CreateCounter<long>("orders.placed").Add(1);
        }

        host.Services.GetRequiredService<ILogger<OpenTelemetryCompositionTests>>().LogWarning("placed");
        host.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>().ForceFlush(10_000);
        await host.StopAsync();

        Assert.Equal("orders", metricResource.Attributes["service.name"]);
        Assert.Equal("1.4.2", metricResource.Attributes["service.version"]);
        Assert.Equal("orders", logResource.Attributes["service.name"]);
    }

    /// <summary>A web app: GET /front/{id}?q=... calls GET /back/{id} on itself through IHttpClientFactory.</summary>
    private static async Task<IReadOnlyList<ReceivedSpan>> RunFrontBackAsync(OtlpReceiver receiver, Shape shape, int requests)
    {
        var settings = Otlp(receiver, "composition");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHttpClient("back");
        if (shape == Shape.UpstreamBefore)
        {
            AddUpstream(builder.Services, receiver, useOtlp: false);
        }

        builder.Services.AddTracing();
        if (shape is Shape.UpstreamAfter or Shape.UpstreamUseOtlp)
        {
            AddUpstream(builder.Services, receiver, useOtlp: shape == Shape.UpstreamUseOtlp);
        }

        builder.Services.UseOtelEnvironment();
        await using var app = builder.Build();
        app.MapGet("/back/{id}", (string id) => "back " + id);
        app.MapGet("/front/{id}", async (string id, HttpContext context, IHttpClientFactory clients) =>
        {
            var baseAddress = $"{context.Request.Scheme}://{context.Request.Host}";
            return await clients.CreateClient("back").GetStringAsync($"{baseAddress}/back/{id}?secret=x");
        });
        await app.StartAsync();

        // The test's own calls make no span (other hosts in the process would judge it theirs or not).
        using (var client = new HttpClient())
        using (SuppressInstrumentationScope.Begin())
        {
            for (var i = 0; i < requests; i++)
            {
                Assert.Equal("back " + i, await client.GetStringAsync($"{app.BaseAddress()}/front/{i}?q={i}"));
            }
        }

        // The flush at stop delivers everything; nothing can arrive later.
        await app.StopAsync();
        return receiver.Spans;
    }

    private static void AddUpstream(IServiceCollection services, OtlpReceiver receiver, bool useOtlp)
    {
        var otel = services.AddOpenTelemetry().WithTracing(t =>
        {
            t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            if (!useOtlp)
            {
                t.AddOtlpExporter(o =>
                {
                    o.Endpoint = new Uri(receiver.GrpcEndpoint);
                    o.Protocol = OtlpExportProtocol.Grpc;
                });
            }
        });
        if (useOtlp)
        {
            otel.UseOtlpExporter(OtlpExportProtocol.Grpc, new Uri(receiver.GrpcEndpoint));
        }
    }

    private static Dictionary<string, string?> Otlp(OtlpReceiver receiver, string serviceName) => new()
    {
        ["Tracing:ServiceName"] = serviceName,
        ["Tracing:Exporters:0"] = "otlp",
        ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
        ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
    };

    /// <summary>Name, kind and attributes of each span, in a stable order; ports and ids left out.</summary>
    private static List<string> Describe(IReadOnlyList<ReceivedSpan> spans) => spans
        .Select(s => $"{s.Kind} {s.Name} {s.Status} " + string.Join(
            ";",
            s.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => a.Key is "server.port" or "url.full" or "network.peer.port" ? a.Key : $"{a.Key}={a.Value}")))
        .Order(StringComparer.Ordinal)
        .ToList();

    private sealed class ParentCapturingProcessor : BaseProcessor<Activity>
    {
        private readonly List<string> _ended = [];

        public TracerProvider? Parent => ParentProvider as TracerProvider;

        public IReadOnlyList<string> Ended
        {
            get { lock (_ended) { return _ended.ToList(); } }
        }

        public override void OnEnd(Activity data)
        {
            lock (_ended)
            {
                _ended.Add(data.DisplayName);
            }
        }
    }

    private sealed class ResourceCapturingMetricExporter : BaseExporter<OpenTelemetry.Metrics.Metric>
    {
        public Dictionary<string, object?> Attributes { get; } = [];

        public override ExportResult Export(in Batch<OpenTelemetry.Metrics.Metric> batch)
        {
            foreach (var (key, value) in ParentProvider!.GetResource().Attributes)
            {
                Attributes[key] = value;
            }

            return ExportResult.Success;
        }
    }

    private sealed class ResourceCapturingLogProcessor : BaseProcessor<OpenTelemetry.Logs.LogRecord>
    {
        public Dictionary<string, object?> Attributes { get; } = [];

        public override void OnEnd(OpenTelemetry.Logs.LogRecord data)
        {
            foreach (var (key, value) in ParentProvider!.GetResource().Attributes)
            {
                Attributes[key] = value;
            }
        }
    }
}

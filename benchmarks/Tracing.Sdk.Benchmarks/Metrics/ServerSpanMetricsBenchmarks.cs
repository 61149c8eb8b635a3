using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tracing.Sdk.AspNetCore;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Benchmarks.Metrics;

/// <summary>
/// What span metrics add to one request's server span, sampled or not. Each operation is the part of a
/// request that span metrics touch, done the way ASP.NET Core hosting does it (HostingApplicationDiagnostics):
/// ask the <c>Microsoft.AspNetCore</c> listener, create the span through the hosting source (OpenTelemetry's
/// provider and sampler), start it (with the start event when the listener asks for it), and at the end set
/// the end time, write the stop event with the <see cref="HttpContext"/> and stop it. The context is routed
/// to <c>/orders/{id:int}</c> and answers 200.
/// <list type="bullet">
/// <item><c>off</c>: AddTracing's hosting observer without span metrics (today's cost, the baseline).</item>
/// <item><c>on, no reader</c>: span metrics on, nothing collecting the meter: the SDK's own counting.</item>
/// <item><c>on, OpenTelemetry</c>: span metrics on and an OpenTelemetry MeterProvider aggregating the
/// histogram (trace-based exemplars), as when the metrics are exported.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class ServerSpanMetricsBenchmarks
{
    private const string ActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private const string StartKey = ActivityName + ".Start";
    private const string StopKey = ActivityName + ".Stop";

    private ServiceProvider _services = null!;
    private ActivitySource _hosting = null!;
    private DiagnosticListener _listener = null!;
    private HostingDiagnosticsObserver _observer = null!;
    private TracerProvider _tracer = null!;
    private MeterProvider? _meter;
    private DefaultHttpContext _context = null!;
    private ActivityFeature _feature = null!;

    [Params("off", "on, no reader", "on, OpenTelemetry")]
    public string Metrics { get; set; } = "off";

    [Params(false, true)]
    public bool Sampled { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var on = Metrics != "off";
        var serviceCollection = new ServiceCollection();
        serviceCollection.AddTracing(o =>
        {
            o.ServiceName = "bench";
            o.Exporters = ["none"];
            o.Metrics.Enabled = on;
            o.Metrics.Exporters = ["none"];
        });
        serviceCollection.Replace(ServiceDescriptor.Singleton(new OtelEnvironment(new Dictionary<string, string>())));
        _services = serviceCollection.BuildServiceProvider();

        var name = "Microsoft.AspNetCore";
        _hosting = new ActivitySource(name);
        _listener = new DiagnosticListener(name);
        _tracer = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(name)
            .SetSampler(Sampled ? new AlwaysOnSampler() : new AlwaysOffSampler())
            .Build()!;

        var tracing = _services.GetRequiredService<AspNetCoreTracing>();
        var recorder = _services.GetRequiredService<SpanMetricsRuntime>().Recorder;
        _observer = HostingDiagnosticsObserver.Subscribe(_listener, _hosting, recorder is null ? null : new ServerSpanMetrics(recorder, tracing));
        if (Metrics == "on, OpenTelemetry")
        {
            _meter = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
                .AddMeter(SpanMetricNames.MeterName)
                .SetExemplarFilter(ExemplarFilterType.TraceBased)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
                .Build();
        }

        var endpoint = new RouteEndpoint(static _ => Task.CompletedTask, RoutePatternFactory.Parse("/orders/{id:int}"), 0, EndpointMetadataCollection.Empty, "orders");
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Request.Path = "/orders/7";
        _context.Response.StatusCode = 200;
        _context.SetEndpoint(endpoint);
        _feature = new ActivityFeature();
        _context.Features.Set<IHttpActivityFeature>(_feature);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _observer.Dispose();
        _meter?.Dispose();
        _tracer.Dispose();
        _listener.Dispose();
        _hosting.Dispose();
        _services.Dispose();
    }

    [Benchmark]
    public void Request()
    {
        // BeginRequest
        var creation = _listener.IsEnabled() && _listener.IsEnabled(ActivityName, _context);
        var activity = _hosting.CreateActivity(ActivityName, ActivityKind.Server);
        if (activity is null)
        {
            return;
        }

        _feature.Activity = activity;
        var hasListener = _listener.IsEnabled(StartKey);
        activity.Start();
        if (hasListener)
        {
            _listener.Write(StartKey, _context);
        }

        // RequestEnd
        if (hasListener)
        {
            activity.SetEndTime(DateTime.UtcNow);
            _listener.Write(StopKey, _context);
        }

        activity.Stop();
        GC.KeepAlive(creation);
    }

    private sealed class ActivityFeature : IHttpActivityFeature
    {
        public Activity Activity { get; set; } = null!;
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

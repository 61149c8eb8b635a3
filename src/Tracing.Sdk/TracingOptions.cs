using System.Diagnostics;
using Tracing.Sdk.AspNetCore;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Sampling;
using OpenTelemetry.Trace;

namespace Tracing.Sdk;

/// <summary>
/// Everything <c>AddTracing</c> can be told, bound from the <c>Tracing</c> configuration section.
/// Precedence, highest first: code (<c>AddTracing(o =&gt; ...)</c>) &gt; the <c>Tracing</c> section &gt;
/// the standard <c>OTEL_*</c> environment variables &gt; the defaults stated on each property.
/// Invalid values stop the host at start-up with a message naming the key and the value.
/// </summary>
public sealed class TracingOptions
{
    /// <summary>
    /// Whether tracing is on. Default <see langword="true"/>; <c>OTEL_SDK_DISABLED=true</c> sets it to
    /// <see langword="false"/>. When off, no listener, processor or exporter thread is created.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The <c>service.name</c> resource attribute. Default: <c>OTEL_SERVICE_NAME</c>, else a
    /// <c>service.name</c> in <see cref="ResourceAttributes"/>, else the entry assembly's name.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>The <c>service.version</c> resource attribute. Default: the entry assembly's informational version.</summary>
    public string? ServiceVersion { get; set; }

    /// <summary>
    /// Extra resource attributes, merged over <c>OTEL_RESOURCE_ATTRIBUTES</c> (a key set here wins).
    /// Default: empty.
    /// </summary>
    public IDictionary<string, string> ResourceAttributes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Names of the <see cref="ActivitySource"/>s whose spans are recorded, besides the SDK's own
    /// (<c>Tracing.Sdk*</c>, ASP.NET Core hosting and <c>System.Net.Http</c>). A trailing or embedded
    /// <c>*</c> is a wildcard (<c>MyCompany.*</c>). Default: none.
    /// </summary>
    public IList<string> Sources { get; set; } = new List<string>();

    /// <summary>How spans are sampled. Default: <c>const</c> 1, parent-based (OpenTelemetry's <c>parentbased_always_on</c>).</summary>
    public SamplerOptions Sampler { get; set; } = new();

    /// <summary>
    /// Context propagation formats, in extraction priority order: <c>tracecontext</c>, <c>baggage</c>,
    /// <c>b3</c> (single header), <c>b3multi</c>, <c>jaeger</c>, or <c>none</c>.
    /// Default: <c>OTEL_PROPAGATORS</c>, else <c>tracecontext, baggage</c>.
    /// </summary>
    public IList<string>? Propagators { get; set; }

    /// <summary>
    /// Where spans go: <c>otlp</c>, <c>jaegerudp</c>, <c>console</c> or <c>none</c>.
    /// Default: <c>OTEL_TRACES_EXPORTER</c>, else <c>otlp</c>, plus <c>console</c> when the host
    /// environment is Development.
    /// </summary>
    public IList<string>? Exporters { get; set; }

    /// <summary>The OTLP exporter (gRPC or HTTP/protobuf).</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>The Jaeger agent UDP exporter.</summary>
    public JaegerUdpOptions JaegerUdp { get; set; } = new();

    /// <summary>The console waterfall exporter for local development.</summary>
    public ConsoleExporterOptions Console { get; set; } = new();

    /// <summary>The batch span processor in front of each network exporter.</summary>
    public BatchOptions Batch { get; set; } = new();

    /// <summary>ASP.NET Core server spans.</summary>
    public AspNetCoreTracingOptions AspNetCore { get; set; } = new();

    /// <summary>gRPC client spans.</summary>
    public GrpcTracingOptions Grpc { get; set; } = new();

    /// <summary>Span metrics: calls and durations per operation, counted before sampling. Default off.</summary>
    public SpanMetricsOptions Metrics { get; set; } = new();

    /// <summary>
    /// A hook that runs last on the OpenTelemetry <see cref="TracerProviderBuilder"/>, for what the
    /// options do not cover (an extra processor, exporter or source). Code only; default none.
    /// </summary>
    public Action<TracerProviderBuilder>? ConfigureProvider { get; set; }

    /// <summary>Problems found while reading <c>OTEL_*</c> variables, reported by validation.</summary>
    internal List<string> EnvironmentErrors { get; } = [];

    /// <summary>Values of the configuration section the binder could not convert (left unbound), reported by validation.</summary>
    internal List<string> BindingErrors { get; } = [];
}

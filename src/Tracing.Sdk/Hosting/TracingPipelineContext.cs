using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Hosting;

/// <summary>What the parts of the pipeline (samplers, processors, exporters) are built from.</summary>
internal sealed class TracingPipelineContext(
    TracingOptions options,
    IServiceProvider services,
    TracingMetrics metrics,
    TimeProvider timeProvider,
    IHostEnvironment? hostEnvironment,
    ActivitySource? hostingSource)
{
    public TracingOptions Options { get; } = options;

    public IServiceProvider Services { get; } = services;

    public TracingMetrics Metrics { get; } = metrics;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public IHostEnvironment? HostEnvironment { get; } = hostEnvironment;

    /// <summary>This host's <c>Microsoft.AspNetCore</c> source (each web host has its own instance), if it is a web host.</summary>
    public ActivitySource? HostingSource { get; } = hostingSource;

    public string ServiceName => Options.ServiceName!;

    /// <summary>Set by the sampler factory when the policy decides entry spans late (after routing).</summary>
    public Sampling.ILateBindingSampler? LateBindingSampler { get; set; }

    /// <summary>Things the pipeline created that must be disposed when the provider is (a poller, a socket).</summary>
    public List<IDisposable> Disposables { get; } = [];
}

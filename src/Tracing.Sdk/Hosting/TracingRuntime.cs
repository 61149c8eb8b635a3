using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Owns this host's <see cref="TracerProvider"/>: built once at start, flushed and disposed once at
/// stop. Start and stop are idempotent and never throw into the host after validation passed.
/// </summary>
internal sealed class TracingRuntime : IDisposable
{
    private readonly IOptions<TracingOptions> _options;
    private readonly IServiceProvider _services;
    private readonly TracingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private List<IDisposable> _disposables = [];
    private bool _started;
    private bool _stopped;

    public TracingRuntime(IOptions<TracingOptions> options, IServiceProvider services, TracingMetrics metrics, ILogger<TracingRuntime>? logger = null)
    {
        _options = options;
        _services = services;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The live provider, or <see langword="null"/> before start, after stop, or when tracing is disabled.</summary>
    public TracerProvider? Provider { get; private set; }

    public TracingOptions Options => _options.Value;

    /// <summary>The late-binding sampler of the live pipeline, when the policy keys on operation names.</summary>
    public ILateBindingSampler? LateBindingSampler { get; private set; }

    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            var options = _options.Value;
            if (!options.Enabled)
            {
                TracingLog.Disabled(_logger);
                return;
            }

            var hostingSource = _services.GetServices<ActivitySource>()
                .FirstOrDefault(static s => s.Name == HostSpanFilter.HostingSourceName);
            var context = new TracingPipelineContext(
                options,
                _services,
                _metrics,
                _services.GetService<TimeProvider>() ?? TimeProvider.System,
                _services.GetService<IHostEnvironment>(),
                hostingSource);

            Provider = TracerProviderFactory.Create(context);
            context.Disposables.Add(Propagation.TracingPropagators.Install(_services));
            _disposables = context.Disposables;
            LateBindingSampler = context.LateBindingSampler;

            var exporters = string.Join(",", options.Exporters ?? []);
            TracingLog.Started(_logger, options.ServiceName!, SamplerFactory.Describe(options.Sampler), string.Join(",", options.Propagators ?? []), exporters);
            TracingEventSource.Log.ProviderStarted(options.ServiceName!, exporters);
        }
    }

    /// <summary>Flushes every ended span to the exporters and shuts them down, within <paramref name="timeout"/>.</summary>
    public bool Stop(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return true;
            }

            _stopped = true;
            var provider = Provider;
            Provider = null;
            LateBindingSampler = null;
            if (provider is null)
            {
                return true;
            }

            var budget = Stopwatch.StartNew();
            var total = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
            var flushed = false;
            try
            {
                flushed = provider.ForceFlush(total);
                var left = (int)Math.Max(1, total - budget.ElapsedMilliseconds);
                flushed &= provider.Shutdown(left);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TracingEventSource.Log.ComponentFailed(nameof(TracingRuntime), ex.Message);
            }
            finally
            {
                provider.Dispose();
                foreach (var disposable in _disposables)
                {
                    disposable.Dispose();
                }

            }

            if (!flushed)
            {
                TracingLog.FlushTimedOut(_logger, total);
            }
            else
            {
                TracingLog.Stopped(_logger);
            }

            TracingEventSource.Log.ProviderStopped(_options.Value.ServiceName ?? string.Empty, flushed);
            return flushed;
        }
    }

    public void Dispose() => Stop(TimeSpan.FromSeconds(5));
}

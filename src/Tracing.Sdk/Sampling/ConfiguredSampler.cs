using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The container's sampler, built from the validated options the first time the provider asks for it
/// (a remote policy starts polling then, not when the container is built) and disposed with the
/// container or when tracing stops. The ASP.NET Core integration reads <see cref="LateBinding"/>.
/// </summary>
internal sealed class ConfiguredSampler(IServiceProvider services) : IDisposable
{
    private readonly object _gate = new();
    private TracingSampler? _sampler;
    private DebugSamplingGate? _debugGate;
    private IDisposable? _resource;
    private bool _disposed;

    /// <summary>The sampler, built on first use.</summary>
    public TracingSampler Sampler
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _sampler ??= SamplerFactory.Create(
                    services.GetRequiredService<IOptions<TracingOptions>>().Value,
                    services.GetService<TimeProvider>() ?? TimeProvider.System,
                    services.GetService<ILoggerFactory>(),
                    services.GetRequiredService<TracingMetrics>(),
                    out _resource,
                    DebugGate);
            }
        }
    }

    /// <summary>
    /// The host's debug budget (<c>Sampler:Debug</c>), shared by the sampler and the ASP.NET Core
    /// integration (which hands it a new root's debug request, <see cref="HostingRootDebug"/>). One
    /// registered in DI is used instead (an internal seam: only the SDK and its tests can).
    /// </summary>
    public DebugSamplingGate DebugGate
    {
        get
        {
            if (Volatile.Read(ref _debugGate) is { } gate)
            {
                return gate;
            }

            lock (_gate)
            {
                return _debugGate ??= services.GetService<DebugSamplingGate>() ?? new DebugSamplingGate(
                    services.GetRequiredService<IOptions<TracingOptions>>().Value.Sampler.Debug ?? new(),
                    services.GetService<TimeProvider>() ?? TimeProvider.System,
                    services.GetRequiredService<TracingMetrics>());
            }
        }
    }

    /// <summary>The late-binding policy of a built sampler that keys on operation names; else <see langword="null"/>.</summary>
    public ILateBindingSampler? LateBinding => Volatile.Read(ref _sampler)?.Policy as ILateBindingSampler;

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _resource?.Dispose();
            _resource = null;
        }
    }
}

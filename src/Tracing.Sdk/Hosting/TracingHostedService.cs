using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Ties the app's <see cref="TracerProvider"/> to the host's lifecycle. It is resolved (built) in
/// <see cref="StartingAsync"/>, before any hosted service — the web server among them — starts, so the
/// first request is traced; registered first, it stops last: <see cref="StoppedAsync"/> runs after the
/// server has drained its requests and flushes every ended span within what is left of the host's
/// shutdown timeout.
/// </summary>
internal sealed class TracingHostedService(
    IServiceProvider services,
    TracingProviderState state,
    IOptions<HostOptions>? hostOptions = null) : IHostedLifecycleService
{
    private readonly Stopwatch _sinceStopping = new();

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Resolving builds it (or the disabled stand-in) with every part the app and the SDK configured.
        _ = (TracerProvider?)services.GetService(typeof(TracerProvider));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _sinceStopping.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var shutdownTimeout = hostOptions?.Value.ShutdownTimeout ?? TimeSpan.FromSeconds(30);
        var left = shutdownTimeout - _sinceStopping.Elapsed;
        state.Stop(left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        return Task.CompletedTask;
    }
}

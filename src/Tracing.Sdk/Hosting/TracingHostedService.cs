using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Ties <see cref="TracingRuntime"/> to the host's lifecycle. The provider is built in
/// <see cref="StartingAsync"/>, before any hosted service (the web server among them) starts, so the
/// first request is traced; it is flushed in <see cref="StoppedAsync"/>, after the server has drained
/// its requests, within what is left of the host's shutdown timeout.
/// </summary>
internal sealed class TracingHostedService(TracingRuntime runtime, IOptions<HostOptions>? hostOptions = null) : IHostedLifecycleService
{
    private readonly Stopwatch _sinceStopping = new();

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        runtime.Start();
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
        runtime.Stop(left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        return Task.CompletedTask;
    }
}

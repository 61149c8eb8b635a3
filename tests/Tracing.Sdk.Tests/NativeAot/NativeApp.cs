using System.Diagnostics;
using System.Text;

namespace Tracing.Sdk.Tests.NativeAot;

/// <summary>
/// A published native executable running as a web server: started with the given environment (every
/// inherited <c>OTEL_*</c> and <c>Tracing__*</c> variable removed first), ready once it prints
/// <c>READY &lt;url&gt;</c>, stopped by a line on its standard input, killed only if it does not stop in time.
/// </summary>
internal sealed class NativeApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NativeApp(Process process) => _process = process;

    /// <summary>The address the app reported listening on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static async Task<NativeApp> StartAsync(string binary, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var inherited in info.Environment.Keys.Where(static k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("Tracing__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException(binary + " did not start");
        var app = new NativeApp(process);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"the app exited before READY: {app.Output}"));
                return;
            }

            if (e.Data.StartsWith("READY ", StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[6..]));
            }

            app.Append(e.Data);
        };
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (await Task.WhenAny(ready.Task, Task.Delay(timeout)) != ready.Task)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"the app did not print READY within {timeout}: {app.Output}");
        }

        app.BaseAddress = await ready.Task;
        return app;
    }

    /// <summary>Asks the app to stop (a line on its standard input) and returns its exit code; bounded.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

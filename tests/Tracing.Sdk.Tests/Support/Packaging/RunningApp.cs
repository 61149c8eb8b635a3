using System.Diagnostics;
using System.Text;

namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>
/// A consumer app started as its own process (<c>dotnet App.dll</c>): its output kept line by line, every
/// wait bounded, and the process tree killed on dispose.
/// </summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly WaitableList<string> _lines = new();
    private readonly StringBuilder _output = new();

    private RunningApp(Process process)
    {
        _process = process;
    }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public static RunningApp Start(string dotnet, string appDll, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = DotnetCli.StartInfo(dotnet, Path.GetDirectoryName(appDll)!, environment, [appDll, .. arguments]);
        var process = new Process { StartInfo = info };
        var app = new RunningApp(process);
        process.OutputDataReceived += (_, e) => app.Add(e.Data);
        process.ErrorDataReceived += (_, e) => app.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The first output line that matches, within <paramref name="timeout"/>; the output so far in the failure.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var (lines, satisfied) = await _lines.WaitUntilAsync(l => l.Any(match), timeout);
        return satisfied
            ? lines.First(match)
            : throw new TimeoutException($"No matching line within {timeout} (exited: {HasExited}). Output:\n{Output}");
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
        finally
        {
            _process.Dispose();
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Add(line);
    }
}

using System.Diagnostics;
using System.Text;

namespace Tracing.Sdk.Tests.Support;

/// <summary>
/// A Node.js test peer from <c>tests/peers/</c> (real implementations from npm: grpc-js, the
/// OpenTelemetry JS SDK, Apache Thrift). Installs the peers with <c>npm ci</c> once per test run if
/// <c>node_modules</c> is missing, starts a script, and waits (bounded) for it to print
/// <c>READY &lt;port&gt;</c>. Every other line the script prints is kept for assertions.
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private static readonly SemaphoreSlim s_install = new(1, 1);
    private static bool s_installed;

    private readonly Process _process;
    private readonly WaitableList<string> _lines = new();
    private readonly StringBuilder _stderr = new();

    private NodePeer(Process process) => _process = process;

    /// <summary>The port the script reported in its READY line.</summary>
    public int Port { get; private set; }

    public static string PeersDirectory { get; } = FindPeersDirectory();

    public IReadOnlyList<string> Lines => _lines.Snapshot;

    /// <summary>Starts <paramref name="script"/> (relative to tests/peers) with <paramref name="arguments"/>.</summary>
    public static async Task<NodePeer> StartAsync(string script, params string[] arguments)
    {
        await EnsureInstalledAsync();

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var peer = new NodePeer(process);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"{script} exited before READY: {peer._stderr}"));
                return;
            }

            if (e.Data.StartsWith("READY ", StringComparison.Ordinal) && int.TryParse(e.Data.AsSpan(6), out var port))
            {
                ready.TrySetResult(port);
                return;
            }

            peer._lines.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._stderr)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != ready.Task)
        {
            await peer.DisposeAsync();
            throw new TimeoutException($"{script} did not print READY within 30 s: {peer._stderr}");
        }

        peer.Port = await ready.Task;
        return peer;
    }

    /// <summary>Waits (bounded) until a printed line satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var (lines, found) = await _lines.WaitUntilAsync(lines => lines.Any(match), timeout ?? TimeSpan.FromSeconds(20));
        return found
            ? lines.First(match)
            : throw new TimeoutException($"no matching line; got: {string.Join(" | ", lines)}; stderr: {StandardError}");
    }

    /// <summary>Sends one line to the script's standard input.</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

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
            // already gone
        }

        _process.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        await s_install.WaitAsync();
        try
        {
            if (s_installed || Directory.Exists(Path.Combine(PeersDirectory, "node_modules", "@grpc")))
            {
                s_installed = true;
                return;
            }

            var info = new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = PeersDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm did not start");
            var stderr = npm.StandardError.ReadToEndAsync();
            var stdout = npm.StandardOutput.ReadToEndAsync();

            // The whole install is bounded: a registry that stops answering kills npm after 5 minutes
            // instead of holding the test run (reading its output to the end would wait for ever).
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await npm.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm ci did not finish within 5 minutes in {PeersDirectory}");
            }

            await Task.WhenAll(stdout, stderr);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {PeersDirectory}: {await stderr}");
            }

            s_installed = true;
        }
        finally
        {
            s_install.Release();
        }
    }

    private static string FindPeersDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "peers");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/peers/package.json not found above " + AppContext.BaseDirectory);
    }
}

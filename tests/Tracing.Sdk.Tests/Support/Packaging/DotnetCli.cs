using System.Diagnostics;
using System.Text;

namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>
/// Runs the .NET CLI as a user would in a shell: a child process with a deadline, killed with its whole
/// tree when the deadline passes. The environment is the test's, minus what the test runner's own MSBuild
/// put there, and with build servers off so no compiler or MSBuild node outlives the command.
/// </summary>
internal static class DotnetCli
{
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        await RunAsync("dotnet", workingDirectory, timeout, new Dictionary<string, string>(), arguments);

    public static async Task<string> RunAsync(
        string executable, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = StartInfo(executable, workingDirectory, environment, arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{executable} {string.Join(' ', arguments)}' took over {timeout}:\n{Snapshot(output)}");
        }

        var text = Snapshot(output);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{executable} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{text}");
        }

        return text;
    }

    /// <summary>A start description for a child .NET process: the test runner's MSBuild settings removed, build servers off.</summary>
    public static ProcessStartInfo StartInfo(string executable, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("OTEL_", StringComparison.Ordinal)
                || key is "DOTNET_HOST_PATH" or "DOTNET_ROOT")
            {
                info.Environment.Remove(key);
            }
        }

        // A compiler server or MSBuild node left running would keep this process's output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

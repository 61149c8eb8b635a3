using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tracing.Sdk.Tests.NativeAot;

/// <summary>
/// <c>dotnet publish</c> of an app with <c>PublishAot</c> for linux-x64, bounded in time. Every build
/// output (the SDK's projects included) goes under the app's own artifacts folder, so the repository's
/// bin/obj folders are not touched. Restore uses the machine's configured NuGet source.
/// </summary>
internal sealed partial class AotPublish
{
    private AotPublish(int exitCode, IReadOnlyList<string> output, TimeSpan elapsed, string binary)
    {
        ExitCode = exitCode;
        Output = output;
        Elapsed = elapsed;
        Binary = binary;
    }

    public int ExitCode { get; }

    /// <summary>Everything the publish printed, standard output and error.</summary>
    public IReadOnlyList<string> Output { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>The native executable.</summary>
    public string Binary { get; }

    /// <summary>Trim, AOT and single-file analysis warnings (IL2xxx, IL3xxx), each once.</summary>
    public IReadOnlyList<string> AnalysisWarnings =>
        [.. Output.Where(static line => AnalysisWarning().IsMatch(line)).Distinct(StringComparer.Ordinal)];

    public static async Task<AotPublish> RunAsync(string projectDirectory, string projectName, TimeSpan timeout)
    {
        var artifacts = Path.Combine(projectDirectory, "artifacts");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "publish", projectName + ".csproj", "-c", "Release", "-r", "linux-x64",
            $"-p:ArtifactsPath={artifacts}", "--disable-build-servers", "-nologo", "-clp:NoSummary",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var output = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Add(e.Data);
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
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
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            throw new TimeoutException($"the Native AOT publish took over {timeout}: {Tail(output)}");
        }

        // The exit event can come before the last lines are read.
        process.WaitForExit();
        stopwatch.Stop();
        var binary = Path.Combine(artifacts, "publish", projectName, "release_linux-x64", projectName);
        lock (output)
        {
            return new AotPublish(process.ExitCode, [.. output], stopwatch.Elapsed, binary);
        }
    }

    public override string ToString() => Tail(Output);

    private static string Tail(IReadOnlyCollection<string> output)
    {
        lock (output)
        {
            return string.Join(Environment.NewLine, output.TakeLast(60));
        }
    }

    [GeneratedRegex(@"warning IL[23]\d{3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AnalysisWarning();
}

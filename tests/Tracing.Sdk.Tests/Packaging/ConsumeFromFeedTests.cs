using System.Diagnostics;
using System.Text.RegularExpressions;
using Tracing.Sdk.Tests.Support.Otlp;
using Tracing.Sdk.Tests.Support.Packaging;

namespace Tracing.Sdk.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: fresh apps from the SDK's templates, the package(s) added by version
/// from the local feed, one line, run as their own processes against the test OTLP receiver.
/// </summary>
[Collection(PackagingIsolation.Name)]
public sealed partial class ConsumeFromFeedTests(PackedFeed feed)
{
    private const string WorkerSource = "ConsumerWorker.Jobs";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SpanTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WebApp_WithTheAspNetCorePackage_SendsAServerSpanPerRequest()
    {
        var app = await ConsumerApp.CreateAsync(feed.AppsDirectory, "web", "ConsumerWeb", feed.Version, ["Tracing.Sdk.AspNetCore"]);
        await using var receiver = await OtlpReceiver.StartAsync();

        await using var running = RunningApp.Start("dotnet", app.Dll, Exporting(receiver), "--urls", "http://127.0.0.1:0");
        var listening = await running.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), StartTimeout);
        var address = ListeningAddress().Match(listening).Value;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("Hello World!", await client.GetStringAsync(new Uri(new Uri(address), "/")));

        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.Kind == ActivityKind.Server), SpanTimeout);
        Assert.True(spans.Any(s => s.Kind == ActivityKind.Server), $"No server span within {SpanTimeout}. Output:\n{running.Output}");
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("GET /", server.Name);
        Assert.Equal("ConsumerWeb", server.ServiceName);
        Assert.Equal(200L, server.Attribute("http.response.status_code"));
    }

    [Fact]
    public async Task Worker_WithTheCorePackageOnly_NeedsNoAspNetCore_AndSendsItsSpans_OnARuntimeOnlyDotnet()
    {
        var app = await ConsumerApp.CreateAsync(feed.AppsDirectory, "worker", "ConsumerWorker", feed.Version, ["Tracing.Sdk"], WriteWorker);
        Assert.Equal(["Microsoft.NETCore.App"], app.Frameworks);

        // On the SDK's own dotnet, then on a root that holds Microsoft.NETCore.App only.
        await AssertWorkerSendsSpansAsync(app, "dotnet");

        var rootDirectory = Directory.CreateDirectory(Path.Combine(feed.Root, "runtime-only-dotnet")).FullName;
        var runtimeOnly = RuntimeOnlyDotnetRoot.Assemble(rootDirectory);
        var runtimes = await DotnetCli.RunAsync(runtimeOnly.Dotnet, feed.Root, StartTimeout, Rooted(runtimeOnly, []), "--list-runtimes");
        Assert.Contains("Microsoft.NETCore.App ", runtimes, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.App", runtimes, StringComparison.Ordinal);

        await AssertWorkerSendsSpansAsync(app, runtimeOnly.Dotnet, runtimeOnly);
    }

    private async Task AssertWorkerSendsSpansAsync(ConsumerApp app, string dotnet, RuntimeOnlyDotnetRoot? root = null)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var environment = Exporting(receiver);
        environment["Tracing__Sources__0"] = WorkerSource;
        if (root is not null)
        {
            environment = Rooted(root, environment);
        }

        await using var running = RunningApp.Start(dotnet, app.Dll, environment);
        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.ScopeName == WorkerSource), SpanTimeout);
        Assert.True(spans.Any(s => s.ScopeName == WorkerSource), $"No span from {WorkerSource} within {SpanTimeout} (exited: {running.HasExited}). Output:\n{running.Output}");
        var job = spans.First(s => s.ScopeName == WorkerSource);
        Assert.Equal("process-job", job.Name);
        Assert.Equal("ConsumerWorker", job.ServiceName);
    }

    private static Dictionary<string, string> Exporting(OtlpReceiver receiver) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint,
        ["Tracing__Batch__ScheduledDelayMilliseconds"] = "100",
    };

    private static Dictionary<string, string> Rooted(RuntimeOnlyDotnetRoot root, Dictionary<string, string> environment) =>
        new(environment) { ["DOTNET_ROOT"] = root.Root, ["DOTNET_ROLL_FORWARD_TO_PRERELEASE"] = "0" };

    /// <summary>The worker's own code: a job per loop, each an Activity from the app's ActivitySource.</summary>
    private static void WriteWorker(string directory) => File.WriteAllText(Path.Combine(directory, "Worker.cs"), $$"""
        using System.Diagnostics;

        namespace ConsumerWorker;

        public class Worker(ILogger<Worker> logger) : BackgroundService
        {
            private static readonly ActivitySource Jobs = new("{{WorkerSource}}");

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    using (var job = Jobs.StartActivity("process-job"))
                    {
                        logger.LogInformation("Job done (recorded: {Recorded})", job?.Recorded ?? false);
                    }

                    await Task.Delay(200, stoppingToken);
                }
            }
        }
        """);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningAddress();
}

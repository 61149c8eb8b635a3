using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Tests.Support.Otlp;
using Xunit.Abstractions;

namespace Tracing.Sdk.Tests.NativeAot;

/// <summary>
/// A minimal API app (<c>CreateSlimBuilder</c>, <c>AddTracing()</c>) published with <c>PublishAot</c>:
/// no trim or AOT warning comes from the SDK's assemblies, and the native binary traces for real —
/// server spans named by route with their attributes, an exception seen through ASP.NET Core's
/// diagnostic event, an HttpClient span described from HttpClient's diagnostic payload — exported by
/// OTLP to the test receiver, and it stops cleanly.
/// </summary>
[Collection(NativeAotPublishing.Name)]
public sealed class NativeAotPublishTests(ITestOutputHelper output)
{
    /// <summary>Under CI's ten-minute hang guard (<c>--blame-hang-timeout 10m</c>), with time left to run the app.</summary>
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task PublishedNativeApp_HasNoWarningsFromTheSdk_AndExportsServerAndClientSpans()
    {
        Assert.True(OnPath("clang"), "Native AOT needs clang and zlib1g-dev (.ci/run installs them: apt-get install clang zlib1g-dev)");
        var directory = Directory.CreateTempSubdirectory("tracing-aot-").FullName;
        try
        {
            AotWebApp.WriteTo(directory, RepositoryRoot());
            var publish = await AotPublish.RunAsync(directory, AotWebApp.Name, s_publishTimeout);
            output.WriteLine($"publish: exit {publish.ExitCode} in {publish.Elapsed.TotalSeconds:F0} s");
            foreach (var warning in publish.AnalysisWarnings)
            {
                output.WriteLine(warning);
            }

            Assert.True(publish.ExitCode == 0, $"publish failed: {publish}");
            var ours = publish.AnalysisWarnings.Where(FromOurAssemblies).ToList();
            Assert.True(ours.Count == 0, "trim/AOT warnings from the SDK:" + Environment.NewLine + string.Join(Environment.NewLine, ours));
            Assert.True(File.Exists(publish.Binary), $"no native binary at {publish.Binary}: {publish}");
            Assert.False(File.Exists(Path.ChangeExtension(publish.Binary, ".dll")), "the publish output holds IL, not only the native binary");
            output.WriteLine($"native binary: {new FileInfo(publish.Binary).Length / (1024.0 * 1024.0):F1} MiB");

            await RunAndTraceAsync(publish.Binary);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunAndTraceAsync(string binary)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"aot-{Guid.NewGuid():N}";
        await using var app = await NativeApp.StartAsync(
            binary,
            new Dictionary<string, string>
            {
                // Development: the developer exception page answers /boom (ASP.NET Core's UnhandledException event).
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint,
                ["Tracing__ServiceName"] = service,
                ["Tracing__Exporters__0"] = "otlp",
                ["Tracing__Batch__ScheduledDelayMilliseconds"] = "100",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            TimeSpan.FromSeconds(30));

        // The test's own calls make no span in this process, where other tests' tracing hosts may be listening.
        using (SuppressInstrumentationScope.Begin())
        using (var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })
        {
            Assert.Equal("order 42", await client.GetStringAsync("/orders/42?token=abc"));
            using var boom = await client.GetAsync("/boom");
            Assert.Equal(500, (int)boom.StatusCode);
            Assert.Equal("order 7", await client.GetStringAsync("/call"));
        }

        var spans = await receiver.WaitForSpansAsync(
            s => s.Count(x => x.ServiceName == service && x.Kind == ActivityKind.Server) >= 4
                && s.Any(x => x.ServiceName == service && x.Kind == ActivityKind.Client),
            TimeSpan.FromSeconds(30));
        var ofApp = spans.Where(s => s.ServiceName == service).ToList();
        Assert.True(ofApp.Count >= 5, $"spans at the receiver: {string.Join(", ", ofApp.Select(s => $"{s.Kind} {s.Name}"))}; app output: {app.Output}");

        var order = Assert.Single(ofApp, s => s.Kind == ActivityKind.Server && Equals(s.Attribute("url.path"), "/orders/42"));
        Assert.Equal("Microsoft.AspNetCore", order.ScopeName);
        Assert.Equal("GET /orders/{id}", order.Name);
        Assert.Equal("GET", order.Attribute("http.request.method"));
        Assert.Equal("/orders/{id}", order.Attribute("http.route"));
        Assert.Equal("token=REDACTED", order.Attribute("url.query"));
        Assert.Equal("http", order.Attribute("url.scheme"));
        Assert.Equal(200L, order.Attribute("http.response.status_code"));
        Assert.Equal("127.0.0.1", order.Attribute("server.address"));
        Assert.Equal((long)app.BaseAddress.Port, order.Attribute("server.port"));
        Assert.Equal(ActivityStatusCode.Unset, order.Status);

        var failed = Assert.Single(ofApp, s => s.Kind == ActivityKind.Server && s.Name == "GET /boom");
        Assert.Equal(500L, failed.Attribute("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.Attribute("error.type"));
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Equal("out of stock", exception.Attributes["exception.message"]);

        // /call's own server span parents HttpClient's span, which parents the server span of /orders/7.
        var call = Assert.Single(ofApp, s => s.Kind == ActivityKind.Server && s.Name == "GET /call");
        var outgoing = Assert.Single(ofApp, s => s.Kind == ActivityKind.Client);
        Assert.Equal(call.TraceId, outgoing.TraceId);
        Assert.Equal(call.SpanId, outgoing.ParentSpanId);
        Assert.Equal("GET", outgoing.Name);
        Assert.Equal($"{app.BaseAddress.GetLeftPart(UriPartial.Authority)}/orders/7?token=REDACTED", outgoing.Attribute("url.full"));
        Assert.Equal(200L, outgoing.Attribute("http.response.status_code"));
        var inner = Assert.Single(ofApp, s => s.Kind == ActivityKind.Server && Equals(s.Attribute("url.path"), "/orders/7"));
        Assert.Equal(outgoing.SpanId, inner.ParentSpanId);

        Assert.Equal(0, await app.StopAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A warning in, or about a member of, one of the SDK's assemblies (Tracing.Sdk, .AspNetCore, .Grpc, .Prometheus).</summary>
    private static bool FromOurAssemblies(string warning) => warning.Contains("Tracing.Sdk", StringComparison.Ordinal);

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracing.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Tracing.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}

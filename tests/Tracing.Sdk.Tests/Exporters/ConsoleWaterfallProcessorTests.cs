using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Exporters;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary>The console exporter behind a real provider: nothing it does can throw into the application's Activity.Stop.</summary>
public sealed class ConsoleWaterfallProcessorTests
{
    [Fact]
    public void SpanWithATagWhoseToStringThrows_StopsCleanly_AndIsPrinted()
    {
        var output = new StringWriter();
        using var collector = new WaterfallCollector(TextWriter.Synchronized(output), new ConsoleExporterOptions(), new FakeTimeProvider());
        var sourceName = $"Console.{Guid.NewGuid():N}";
        using var provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .AddProcessor(new ConsoleWaterfallProcessor(collector, "svc"))
            .Build()!;
        using var source = new ActivitySource(sourceName);

        var activity = source.StartActivity("GET /odd")!;
        activity.SetTag("http.response.status_code", new ThrowingValue());
        var stop = Record.Exception(activity.Stop);

        Assert.Null(stop);
        Assert.True(collector.WaitForOutput(TimeSpan.FromSeconds(10)));
        Assert.Contains("GET /odd", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("ToString threw", output.ToString(), StringComparison.Ordinal);
    }

    private sealed class ThrowingValue
    {
        public override string ToString() => throw new InvalidOperationException("no text for you");
    }
}

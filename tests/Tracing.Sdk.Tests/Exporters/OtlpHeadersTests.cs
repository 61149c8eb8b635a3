using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary>
/// <c>Otlp:Headers</c> carries credentials: a malformed value is reported by position and header
/// name, never with a value, and no log line or SDK event ever shows a header value.
/// </summary>
public sealed class OtlpHeadersTests
{
    private const string Secret = "s3cret-4f8a";

    [Theory]
    [InlineData("x-api-key=" + Secret + ",k2=v2", 2)]
    [InlineData("a=1,b=%2C" + Secret, 2)] // an encoded comma inside a value is fine
    [InlineData("a=50%ZZ", 1)]            // a '%' that starts no escape is kept as it is
    public void WellFormedHeaders_AreParsed(string text, int count)
    {
        Assert.True(OtlpHeaders.TryParse(text, out var headers, out var error));
        Assert.Null(error);
        Assert.Equal(count, headers.Count);
    }

    [Theory]
    [InlineData("Authorization Bearer " + Secret, "entry 1 is not key=value")]              // no '=': the whole entry may be a value
    [InlineData("x-api-key=abc," + Secret, "entry 2 is not key=value")]                    // a value cut at an unencoded comma
    [InlineData("x-api-key=abc,tok en" + Secret + "=v", "entry 2 does not start with a valid header name")] // not a name: maybe part of a value
    [InlineData("x-api-key=" + Secret + "%0D", "the value of header 'x-api-key' (entry 1) contains a control character")]
    [InlineData("a=1,x-api-key=" + Secret + "%0A", "the value of header 'x-api-key' (entry 2) contains a control character")]
    public void MalformedHeaders_AreReportedByPositionAndName_NeverWithAValue(string text, string expected)
    {
        Assert.False(OtlpHeaders.TryParse(text, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-api-key=" + Secret + "%0A")]
    [InlineData("Bearer " + Secret)]
    public void StartupError_NamesTheKey_WithoutTheValue(string value)
    {
        var fromSection = OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Otlp:Headers"] = value });
        var fromVariable = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = value });

        Assert.All(new[] { fromSection, fromVariable }, error =>
        {
            Assert.Contains("Tracing:Otlp:Headers is malformed: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task HeaderValues_NeverAppearInLogsOrSdkEvents_EvenWhenTheCollectorRejectsThem()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.FailEvery(OtlpFault.Grpc(16)); // UNAUTHENTICATED: the key is what is wrong
        var logs = new ScopeCapturingLoggerProvider();
        using var events = new SdkEventCapture();
        var sourceName = $"Headers.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
            ["Tracing:Otlp:Headers"] = "x-api-key=" + Secret,
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
        });
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();
        await host.StartAsync();

        using (new ActivitySource(sourceName).StartActivity("rejected"))
        {
        }

        await receiver.WaitForAttemptsAsync(1);
        await host.StopAsync();

        Assert.NotEmpty(receiver.Attempts);
        var failing = Assert.Single(logs.Entries, e => e.Message.Contains("is failing", StringComparison.Ordinal));
        Assert.Contains("UNAUTHENTICATED", failing.Message, StringComparison.Ordinal);
        Assert.All(logs.Entries, e => Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal));
        Assert.All(events.Payloads, p => Assert.DoesNotContain(Secret, p, StringComparison.Ordinal));
    }

    /// <summary>Every payload of the SDK's EventSource, as text.</summary>
    private sealed class SdkEventCapture : EventListener
    {
        private readonly List<string> _payloads = [];

        public IReadOnlyList<string> Payloads
        {
            get { lock (_payloads) { return _payloads.ToList(); } }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Tracing-Sdk")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            lock (_payloads)
            {
                _payloads.Add(string.Join(" ", eventData.Payload ?? (IEnumerable<object?>)[]));
            }
        }
    }
}

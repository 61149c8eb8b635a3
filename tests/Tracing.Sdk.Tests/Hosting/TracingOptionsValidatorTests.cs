using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>Bad values stop the host at start-up with a message that names the key and the value.</summary>
public sealed class TracingOptionsValidatorTests
{
    [Theory]
    [InlineData("Tracing:Sampler:Type", "sometimes", "Tracing:Sampler:Type='sometimes'")]
    [InlineData("Tracing:Sampler:IdBits", "md5", "Tracing:Sampler:IdBits='md5'")]
    [InlineData("Tracing:Sampler:Param", "0.5", "Tracing:Sampler:Param=0.5")] // const takes 0 or 1 only
    [InlineData("Tracing:Sampler:PerOperation:DefaultProbability", "1.5", "Tracing:Sampler:PerOperation:DefaultProbability=1.5")]
    [InlineData("Tracing:Sampler:PerOperation:DefaultLowerBoundPerSecond", "-1", "Tracing:Sampler:PerOperation:DefaultLowerBoundPerSecond=-1")]
    [InlineData("Tracing:Sampler:PerOperation:MaxOperations", "0", "Tracing:Sampler:PerOperation:MaxOperations=0")]
    [InlineData("Tracing:Sampler:Remote:Endpoint", "localhost:5778", "Tracing:Sampler:Remote:Endpoint='localhost:5778'")]
    [InlineData("Tracing:Sampler:Remote:PollingIntervalSeconds", "0", "Tracing:Sampler:Remote:PollingIntervalSeconds=0")]
    [InlineData("Tracing:Propagators:0", "xray", "Tracing:Propagators:0='xray'")]
    [InlineData("Tracing:Exporters:0", "zipkin", "Tracing:Exporters:0='zipkin'")]
    [InlineData("Tracing:Otlp:Endpoint", "ftp://collector:4317", "Tracing:Otlp:Endpoint='ftp://collector:4317'")]
    [InlineData("Tracing:Otlp:Endpoint", "/relative", "Tracing:Otlp:Endpoint='/relative'")]
    [InlineData("Tracing:Otlp:Protocol", "http/json", "Tracing:Otlp:Protocol='http/json'")]
    [InlineData("Tracing:Otlp:Headers", "novalue", "Tracing:Otlp:Headers is malformed: entry 1 is not key=value")] // header values are never echoed
    [InlineData("Tracing:Otlp:TimeoutMilliseconds", "0", "Tracing:Otlp:TimeoutMilliseconds=0")]
    [InlineData("Tracing:Batch:MaxQueueSize", "0", "Tracing:Batch:MaxQueueSize=0")]
    [InlineData("Tracing:Batch:ScheduledDelayMilliseconds", "-5", "Tracing:Batch:ScheduledDelayMilliseconds=-5")]
    [InlineData("Tracing:JaegerUdp:Port", "70000", "Tracing:JaegerUdp:Port=70000")]
    [InlineData("Tracing:JaegerUdp:MaxPacketSize", "65508", "Tracing:JaegerUdp:MaxPacketSize=65508")]
    [InlineData("Tracing:AspNetCore:IncomingContext", "trust", "Tracing:AspNetCore:IncomingContext='trust'")]
    [InlineData("Tracing:AspNetCore:TrustedNetworks:0", "10.0.0.0/33", "Tracing:AspNetCore:TrustedNetworks:0='10.0.0.0/33'")]
    [InlineData("Tracing:AspNetCore:ExcludePaths:0", "health", "Tracing:AspNetCore:ExcludePaths:0='health'")]
    [InlineData("Tracing:Console:MaxSpansPerTrace", "0", "Tracing:Console:MaxSpansPerTrace=0")]
    public void InvalidValue_IsReportedWithKeyAndValue(string key, string value, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchLargerThanQueue_IsReported()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>
        {
            ["Tracing:Batch:MaxQueueSize"] = "100",
            ["Tracing:Batch:MaxExportBatchSize"] = "200",
        });

        Assert.Contains("Tracing:Batch:MaxExportBatchSize=200 is greater than Tracing:Batch:MaxQueueSize=100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoneCombinedWithOthers_IsReported()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>
        {
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Exporters:1"] = "otlp",
        });

        Assert.Contains("'none' must stand alone", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsReportedInOneMessage()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>
        {
            ["Tracing:Sampler:Type"] = "bogus",
            ["Tracing:Otlp:Protocol"] = "carrier-pigeon",
        });

        Assert.Contains("Tracing:Sampler:Type='bogus'", error, StringComparison.Ordinal);
        Assert.Contains("Tracing:Otlp:Protocol='carrier-pigeon'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OTEL_TRACES_SAMPLER", "sometimes", "OTEL_TRACES_SAMPLER='sometimes'")]
    [InlineData("OTEL_BSP_MAX_QUEUE_SIZE", "lots", "OTEL_BSP_MAX_QUEUE_SIZE='lots'")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "-1", "OTEL_EXPORTER_OTLP_TIMEOUT='-1'")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES", "=novalue", "OTEL_RESOURCE_ATTRIBUTES entry '=novalue'")]
    [InlineData("OTEL_PROPAGATORS", "xray", "Tracing:Propagators:0='xray'")]
    [InlineData("OTEL_TRACES_EXPORTER", "zipkin", "Tracing:Exporters:0='zipkin'")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "Tracing:Otlp:Endpoint='collector:4317'")]
    public void InvalidEnvironmentVariable_IsReportedWithNameAndValue(string variable, string value, string expected)
    {
        var error = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { [variable] = value });

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void WhenDisabled_NothingElseIsValidated()
    {
        var error = OptionsHarness.ValidationError(
            new Dictionary<string, string?> { ["Tracing:Enabled"] = "false", ["Tracing:Sampler:Type"] = "bogus" });

        Assert.Null(error);
    }

    [Fact]
    public async Task InvalidValue_StopsTheHostAtStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "sometimes" });
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Tracing:Sampler:Type='sometimes'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueOfTheWrongType_StopsTheHostNamingKeyAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:Batch:MaxQueueSize"] = "lots" });
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Tracing:Batch:MaxQueueSize='lots' is not a whole number.", ex.Message, StringComparison.Ordinal);
    }
}

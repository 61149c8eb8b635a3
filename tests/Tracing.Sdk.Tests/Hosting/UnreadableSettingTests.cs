using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>
/// Values the configuration binder cannot convert do not stop the bind with the binder's exception: they
/// join the one validation message (key, value, what the setting takes), and the rest of the section is bound.
/// </summary>
public sealed class UnreadableSettingTests
{
    [Theory]
    [InlineData("Tracing:Batch:MaxQueueSize", "lots", "is not a whole number.")]
    [InlineData("Tracing:Sampler:Param", "half", "is not a number.")]
    [InlineData("Tracing:Sampler:ParentBased", "maybe", "is not true or false.")]
    [InlineData("Tracing:Metrics:HistogramBuckets:1", "ten", "is not a number.")]
    [InlineData("Tracing:Otlp:Retry", "always", "is not one of: none, memory.")]
    [InlineData("Tracing:Sampler:Remote:Protocol", "thrift", "is not one of: auto, grpc, http.")]
    public void Value_TheBinderCannotRead_IsAValidationError_SayingWhatTheSettingTakes(string key, string value, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains($"{key}='{value}' {expected}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsInOneMessage_WithTheOtherValidationErrors()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>
        {
            ["Tracing:Otlp:Retry"] = "sometimes",
            ["Tracing:Batch:MaxQueueSize"] = "lots",
            ["Tracing:Sampler:Type"] = "probabilistic",
            ["Tracing:Sampler:Param"] = "1.5",
        });

        Assert.NotNull(error);
        Assert.Contains("Tracing:Otlp:Retry='sometimes' is not one of: none, memory.", error, StringComparison.Ordinal);
        Assert.Contains("Tracing:Batch:MaxQueueSize='lots' is not a whole number.", error, StringComparison.Ordinal);
        Assert.Contains("Tracing:Sampler:Param=1.5 is out of range", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReadableValues_AreStillBound()
    {
        // Disabled tracing skips validation, so the bound options can be looked at beside the bad value.
        var options = OptionsHarness.Resolve(new Dictionary<string, string?>
        {
            ["Tracing:Enabled"] = "false",
            ["Tracing:Otlp:Retry"] = "sometimes",
            ["Tracing:Otlp:Endpoint"] = "http://collector:4317",
            ["Tracing:Batch:MaxQueueSize"] = "100",
            ["Tracing:Propagators:0"] = "b3",
        });

        Assert.False(options.Enabled);
        Assert.Equal(OtlpRetryMode.Memory, options.Otlp.Retry);
        Assert.Equal("http://collector:4317", options.Otlp.Endpoint);
        Assert.Equal(100, options.Batch.MaxQueueSize);
        Assert.Equal(["b3"], options.Propagators);
    }

    [Fact]
    public void AnotherSection_IsNamedByItsOwnPath()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Orders:Tracing:Batch:MaxExportBatchSize"] = "many" })
            .Build();
        var services = new ServiceCollection();
        services.AddTracing(configuration.GetSection("Services:Orders:Tracing"));
        services.UseOtelEnvironment();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TracingOptions>>().Value);

        Assert.Contains("Services:Orders:Tracing:Batch:MaxExportBatchSize='many' is not a whole number.", ex.Message, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters;

/// <summary><c>Tracing:Otlp:Retry</c> at each level: default, OTEL_* variable, section (any case), code, and invalid values.</summary>
public sealed class OtlpRetryOptionsTests
{
    [Fact]
    public void Default_IsMemory()
    {
        Assert.Equal(OtlpRetryMode.Memory, OptionsHarness.Resolve().Otlp.Retry);
    }

    [Theory]
    [InlineData("none", OtlpRetryMode.None)]
    [InlineData("NONE", OtlpRetryMode.None)]
    [InlineData("Memory", OtlpRetryMode.Memory)]
    [InlineData("memory", OtlpRetryMode.Memory)]
    public void Section_IsBoundCaseInsensitively(string value, OtlpRetryMode expected)
    {
        Assert.Equal(expected, OptionsHarness.Resolve(new Dictionary<string, string?> { ["Tracing:Otlp:Retry"] = value }).Otlp.Retry);
    }

    [Fact]
    public void OpenTelemetrysInMemoryVariable_MeansMemory_AndTheSectionWinsOverIt()
    {
        var env = new Dictionary<string, string> { ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory" };

        Assert.Equal(OtlpRetryMode.Memory, OptionsHarness.Resolve(environment: env).Otlp.Retry);
        Assert.Equal(OtlpRetryMode.None, OptionsHarness.Resolve(new Dictionary<string, string?> { ["Tracing:Otlp:Retry"] = "none" }, env).Otlp.Retry);
    }

    [Fact]
    public void Code_WinsOverTheSection()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Otlp:Retry"] = "memory" },
            code: o => o.Otlp.Retry = OtlpRetryMode.None);

        Assert.Equal(OtlpRetryMode.None, options.Otlp.Retry);
    }

    [Fact]
    public void DiskVariable_WithoutItsDirectory_IsAStartupError_NamingBothVariables()
    {
        // OpenTelemetry's exporter reads the variable too and would throw when created; say why up front.
        var error = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "disk" });

        Assert.Contains("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY='disk' needs OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DiskVariable_WithItsDirectory_KeepsTheMemoryRetry()
    {
        var options = OptionsHarness.Resolve(environment: new Dictionary<string, string>
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "disk",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH"] = "/var/lib/otlp",
        });

        Assert.Equal(OtlpRetryMode.Memory, options.Otlp.Retry);
    }

    [Fact]
    public void UnknownVariableValue_IsAStartupError_NamingTheVariableAndTheValue()
    {
        var error = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "forever" });

        Assert.Contains("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY='forever' is not one of: in_memory, disk.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedNumber_IsReportedWithKeyAndValue()
    {
        // The configuration binder takes numbers for enums; 7 is no mode.
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Otlp:Retry"] = "7" });

        Assert.Contains("Tracing:Otlp:Retry=7 is not one of: none, memory.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownName_StopsTheHost_NamingKeyAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:Otlp:Retry"] = "sometimes" });
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Tracing:Otlp:Retry='sometimes' is not one of: none, memory.", ex.Message, StringComparison.Ordinal);
    }
}

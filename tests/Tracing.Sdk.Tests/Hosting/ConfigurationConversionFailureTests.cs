using Microsoft.Extensions.Configuration;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Tests.Hosting;

public sealed class ConfigurationConversionFailureTests
{
    private static readonly IConfigurationSection Section = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:Batch:MaxQueueSize"] = "lots" })
        .Build()
        .GetSection("Tracing");

    [Fact]
    public void DescribeWithValue_AddsTheValue_ToThe8_0BindersMessage()
    {
        var error = new InvalidOperationException(
            "Failed to convert configuration value at 'Tracing:Batch:MaxQueueSize' to type 'System.Int32'.", new FormatException());

        Assert.Equal(
            "Failed to convert configuration value 'lots' at 'Tracing:Batch:MaxQueueSize' to type 'System.Int32'.",
            ConfigurationConversionFailure.DescribeWithValue(Section, error));
    }

    [Fact]
    public void DescribeWithValue_ReturnsNull_WhenTheBinderAlreadyNamesTheValue()
    {
        var error = new InvalidOperationException(
            "Failed to convert configuration value 'lots' at 'Tracing:Batch:MaxQueueSize' to type 'System.Int32'.", new FormatException());

        Assert.Null(ConfigurationConversionFailure.DescribeWithValue(Section, error));
    }

    [Fact]
    public void DescribeWithValue_ReturnsNull_ForAKeyOutsideTheSection()
    {
        var error = new InvalidOperationException("Failed to convert configuration value at 'Other:Key' to type 'System.Int32'.", new FormatException());

        Assert.Null(ConfigurationConversionFailure.DescribeWithValue(Section, error));
    }
}

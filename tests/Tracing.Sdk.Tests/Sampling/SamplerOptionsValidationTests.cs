using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>Start-up validation of Tracing:Sampler, one message per bad key naming key and value.</summary>
public sealed class SamplerOptionsValidationTests
{
    [Theory]
    [InlineData("const")]
    [InlineData("Probabilistic")]
    [InlineData(" ratelimiting ")]
    [InlineData("peroperation")]
    [InlineData("REMOTE")]
    public void EveryPolicyName_IsAccepted(string type)
    {
        var param = type.Trim().Equals("const", StringComparison.OrdinalIgnoreCase) ? "1" : "0.5";

        Assert.Null(OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = type, ["Tracing:Sampler:Param"] = param }));
    }

    [Theory]
    [InlineData("probabilistic", "1.01", "Tracing:Sampler:Param=1.01")]   // above 1
    [InlineData("probabilistic", "-0.5", "Tracing:Sampler:Param=-0.5")]   // negative
    [InlineData("ratelimiting", "-2", "Tracing:Sampler:Param=-2")]        // negative rate
    [InlineData("const", "2", "Tracing:Sampler:Param=2")]                 // const is 0 or 1
    public void OutOfRangeParam_NamesKeyAndValue(string type, string param, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = type, ["Tracing:Sampler:Param"] = param });

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralProblems_AreReportedTogether()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>
        {
            ["Tracing:Sampler:Type"] = "remote",
            ["Tracing:Sampler:Remote:Endpoint"] = "ftp://agent/sampling",
            ["Tracing:Sampler:Remote:InitialProbability"] = "3",
            ["Tracing:Sampler:PerOperation:MaxOperations"] = "0",
        });

        Assert.Contains("Tracing:Sampler:Remote:Endpoint='ftp://agent/sampling'", error, StringComparison.Ordinal);
        Assert.Contains("Tracing:Sampler:Remote:InitialProbability=3", error, StringComparison.Ordinal);
        Assert.Contains("Tracing:Sampler:PerOperation:MaxOperations=0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1", "Tracing:Sampler:Debug:MaxPerSecond=-1")] // negative
    [InlineData("Infinity", "Tracing:Sampler:Debug:MaxPerSecond=")] // not finite: "no limit" is not a thing to ask for by accident
    [InlineData("NaN", "Tracing:Sampler:Debug:MaxPerSecond=")] // not a number
    public void OutOfRangeDebugBudget_NamesKeyAndValue(string value, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Sampler:Debug:MaxPerSecond"] = value });

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DebugBudget_DefaultsToFive_AndBindsFromTheSection()
    {
        Assert.Equal(5, OptionsHarness.Resolve(new Dictionary<string, string?>()).Sampler.Debug.MaxPerSecond);
        Assert.Equal(0.5, OptionsHarness.Resolve(new Dictionary<string, string?> { ["Tracing:Sampler:Debug:MaxPerSecond"] = "0.5" }).Sampler.Debug.MaxPerSecond);
        Assert.Null(OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Sampler:Debug:MaxPerSecond"] = "0" }));
    }

    [Fact]
    public void DebugBudget_SetInCode_WinsOverTheSection()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Sampler:Debug:MaxPerSecond"] = "7" },
            code: o => o.Sampler.Debug.MaxPerSecond = 1);

        Assert.Equal(1, options.Sampler.Debug.MaxPerSecond);
    }

    [Theory]
    [InlineData("auto", RemoteSamplingProtocol.Auto)]
    [InlineData("GRPC", RemoteSamplingProtocol.Grpc)]   // configuration is case-insensitive
    [InlineData("Http", RemoteSamplingProtocol.Http)]
    public void RemoteProtocol_BindsCaseInsensitively(string value, RemoteSamplingProtocol expected)
    {
        var options = OptionsHarness.Resolve(new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "remote", ["Tracing:Sampler:Remote:Protocol"] = value });

        Assert.Equal(expected, options.Sampler.Remote.Protocol);
    }

    [Fact]
    public void RemoteProtocol_CodeOverridesTheSection()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "remote", ["Tracing:Sampler:Remote:Protocol"] = "http" },
            code: o => o.Sampler.Remote.Protocol = RemoteSamplingProtocol.Grpc);

        Assert.Equal(RemoteSamplingProtocol.Grpc, options.Sampler.Remote.Protocol);
    }

    [Fact]
    public void RemoteProtocol_NotAName_FailsStartUp_NamingKeyAndValue()
    {
        // Text the binder cannot read as the enum joins the validation message, with the names it takes.
        var error = OptionsHarness.ValidationError(
            new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "remote", ["Tracing:Sampler:Remote:Protocol"] = "thrift" });

        Assert.Contains("Tracing:Sampler:Remote:Protocol='thrift' is not one of: auto, grpc, http.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7")]    // the binder reads a number as the enum's value: only the three names are valid
    [InlineData("-1")]
    public void RemoteProtocol_OutOfRangeNumber_FailsValidation_NamingKeyAndValue(string value)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "remote", ["Tracing:Sampler:Remote:Protocol"] = value });

        Assert.Contains($"Tracing:Sampler:Remote:Protocol='{value}' is not one of: auto, grpc, http.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteProtocol_SetInCodeToAnUndefinedValue_FailsValidation()
    {
        var error = OptionsHarness.ValidationError(code: o => o.Sampler.Remote.Protocol = (RemoteSamplingProtocol)42);

        Assert.Contains("Tracing:Sampler:Remote:Protocol='42' is not one of: auto, grpc, http.", error, StringComparison.Ordinal);
    }
}

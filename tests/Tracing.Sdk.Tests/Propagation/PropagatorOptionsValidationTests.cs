using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class PropagatorOptionsValidationTests
{
    [Theory]
    [InlineData("tracecontext,baggage,b3,b3multi,jaeger")]
    [InlineData("B3, Jaeger")] // names are case-insensitive and trimmed, as OTEL_PROPAGATORS is
    [InlineData("none")]
    public void EveryFormat_IsAcceptedFromTheEnvironment(string value)
    {
        Assert.Null(OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_PROPAGATORS"] = value }));
        Assert.Equal(value.Split(',').Length, OptionsHarness.Resolve(environment: new Dictionary<string, string> { ["OTEL_PROPAGATORS"] = value }).Propagators!.Count);
    }

    [Fact]
    public void EveryFormat_IsAcceptedFromTheSectionAndCode()
    {
        Assert.Null(OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Propagators:0"] = "jaeger", ["Tracing:Propagators:1"] = "b3multi" }));
        Assert.Null(OptionsHarness.ValidationError(code: o => o.Propagators = ["b3"]));
    }

    [Theory]
    [InlineData("xray", "Tracing:Propagators:0='xray' is not one of: tracecontext, baggage, b3, b3multi, jaeger, none.")]
    [InlineData("b3,none", "combines 'none' with other values")]
    [InlineData("ottrace", "Tracing:Propagators:0='ottrace'")]
    public void UnknownOrMixedNames_FailWithTheKeyAndValue(string value, string expected)
    {
        var error = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_PROPAGATORS"] = value });

        Assert.Contains(expected, error);
    }
}

using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary><c>Tracing:JaegerUdp</c> at each level: default, OTEL_* variable, section, code, invalid value.</summary>
public sealed class JaegerUdpOptionsTests
{
    [Fact]
    public void Defaults_AreThoseDocumented()
    {
        var options = OptionsHarness.Resolve().JaegerUdp;

        Assert.Equal("localhost", options.Host);
        Assert.Equal(6831, options.Port);
        Assert.Equal(65000, options.MaxPacketSize);
        Assert.Equal("compact", options.Protocol);
    }

    [Fact]
    public void HostAndPort_PrecedenceIsCodeThenSectionThenEnvironment()
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_JAEGER_AGENT_HOST"] = "env-agent", ["OTEL_EXPORTER_JAEGER_AGENT_PORT"] = "1111" };
        var section = new Dictionary<string, string?> { ["Tracing:JaegerUdp:Host"] = "section-agent", ["Tracing:JaegerUdp:Port"] = "2222" };

        var fromEnv = OptionsHarness.Resolve(environment: env).JaegerUdp;
        Assert.Equal(("env-agent", 1111), (fromEnv.Host, fromEnv.Port));
        var fromSection = OptionsHarness.Resolve(section, env).JaegerUdp;
        Assert.Equal(("section-agent", 2222), (fromSection.Host, fromSection.Port));
        var fromCode = OptionsHarness.Resolve(section, env, o =>
        {
            o.JaegerUdp.Host = "code-agent";
            o.JaegerUdp.Port = 3333;
        }).JaegerUdp;
        Assert.Equal(("code-agent", 3333), (fromCode.Host, fromCode.Port));
    }

    [Fact]
    public void MaxPacketSizeAndProtocol_ComeFromTheSection()
    {
        var options = OptionsHarness.Resolve(new Dictionary<string, string?>
        {
            ["Tracing:JaegerUdp:MaxPacketSize"] = "1500",
            ["Tracing:JaegerUdp:Protocol"] = "binary",
        }).JaegerUdp;

        Assert.Equal(1500, options.MaxPacketSize);
        Assert.Equal("binary", options.Protocol);
    }

    [Fact]
    public void JaegerUdp_IsAnAcceptedExporterName()
    {
        Assert.Null(OptionsHarness.ValidationError(new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "jaegerudp" }));
        Assert.Null(OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_TRACES_EXPORTER"] = "jaegerudp,otlp" }));
    }

    [Theory]
    [InlineData("Tracing:JaegerUdp:Protocol", "json", "Tracing:JaegerUdp:Protocol='json'")]
    [InlineData("Tracing:JaegerUdp:Host", " ", "Tracing:JaegerUdp:Host=' '")]
    [InlineData("Tracing:JaegerUdp:Port", "0", "Tracing:JaegerUdp:Port=0")]
    [InlineData("Tracing:JaegerUdp:MaxPacketSize", "0", "Tracing:JaegerUdp:MaxPacketSize=0")]
    [InlineData("Tracing:JaegerUdp:MaxPacketSize", "65508", "Tracing:JaegerUdp:MaxPacketSize=65508")] // above the IPv4 UDP payload limit
    public void InvalidValue_IsReportedWithKeyAndValue(string key, string value, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPortVariable_IsReportedWithItsName()
    {
        var error = OptionsHarness.ValidationError(environment: new Dictionary<string, string> { ["OTEL_EXPORTER_JAEGER_AGENT_PORT"] = "many" });

        Assert.NotNull(error);
        Assert.Contains("OTEL_EXPORTER_JAEGER_AGENT_PORT", error, StringComparison.Ordinal);
    }
}

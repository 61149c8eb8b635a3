using Tracing.Sdk.AspNetCore;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary><c>Tracing:AspNetCore</c> at each level: defaults, the configuration section, code, and bad values.</summary>
public sealed class AspNetCoreOptionsValidationTests
{
    [Fact]
    public void Defaults_AreSafe()
    {
        var options = OptionsHarness.Resolve().AspNetCore;

        Assert.Equal(["/health", "/healthz", "/alive", "/metrics"], options.ExcludePaths);
        Assert.True(options.RecordExceptions);
        Assert.Equal("continue", options.IncomingContext);
        Assert.Empty(options.TrustedNetworks);
        Assert.Empty(options.QueryAllowList);
        Assert.Empty(options.CaptureRequestHeaders);
        Assert.Empty(options.CaptureResponseHeaders);
    }

    [Fact]
    public void Section_SetsEveryKey_AndCodeWinsOverIt()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?>
            {
                ["Tracing:AspNetCore:ExcludePaths:0"] = "/ready",
                ["Tracing:AspNetCore:RecordExceptions"] = "false",
                ["Tracing:AspNetCore:IncomingContext"] = "restart",
                ["Tracing:AspNetCore:TrustedNetworks:0"] = "10.0.0.0/8",
                ["Tracing:AspNetCore:TrustedNetworks:1"] = "fd00::/8",
                ["Tracing:AspNetCore:QueryAllowList:0"] = "page",
                ["Tracing:AspNetCore:CaptureRequestHeaders:0"] = "x-tenant",
                ["Tracing:AspNetCore:CaptureResponseHeaders:0"] = "x-served-by",
            },
            code: o => o.AspNetCore.IncomingContext = "ignore").AspNetCore;

        Assert.Equal(["/ready"], options.ExcludePaths);
        Assert.False(options.RecordExceptions);
        Assert.Equal("ignore", options.IncomingContext);
        Assert.Equal(["10.0.0.0/8", "fd00::/8"], options.TrustedNetworks);
        Assert.Equal(["page"], options.QueryAllowList);
        Assert.Equal(["x-tenant"], options.CaptureRequestHeaders);
        Assert.Equal(["x-served-by"], options.CaptureResponseHeaders);
    }

    [Theory]
    [InlineData("Tracing:AspNetCore:CaptureRequestHeaders:0", "Authorization", "Tracing:AspNetCore:CaptureRequestHeaders:0='Authorization' is never recorded")]
    [InlineData("Tracing:AspNetCore:CaptureRequestHeaders:0", "cookie", "Tracing:AspNetCore:CaptureRequestHeaders:0='cookie' is never recorded")]
    [InlineData("Tracing:AspNetCore:CaptureRequestHeaders:0", "Proxy-Authorization", "'Proxy-Authorization' is never recorded")]
    [InlineData("Tracing:AspNetCore:CaptureResponseHeaders:0", "Set-Cookie", "Tracing:AspNetCore:CaptureResponseHeaders:0='Set-Cookie' is never recorded")]
    [InlineData("Tracing:AspNetCore:CaptureResponseHeaders:0", " ", "Tracing:AspNetCore:CaptureResponseHeaders:0 is empty")]
    [InlineData("Tracing:AspNetCore:IncomingContext", "trust", "Tracing:AspNetCore:IncomingContext='trust'")]
    [InlineData("Tracing:AspNetCore:TrustedNetworks:0", "10.0.0.1", "Tracing:AspNetCore:TrustedNetworks:0='10.0.0.1' is not a CIDR range")]
    [InlineData("Tracing:AspNetCore:ExcludePaths:0", "health*", "Tracing:AspNetCore:ExcludePaths:0='health*' must start with '/'")]
    public void InvalidValue_IsReportedWithKeyAndValue(string key, string value, string expected)
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ForbiddenHeaders_AreNeverCaptured_EvenWithoutValidation()
    {
        var capture = new HeaderCapture(["Authorization", "x-ok", "COOKIE"], "http.request.header.");
        var activity = new System.Diagnostics.Activity("test");
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
        {
            ["Authorization"] = "Bearer x",
            ["Cookie"] = "a=b",
            ["X-Ok"] = "fine",
        };

        capture.Capture(activity, headers);

        Assert.Equal(["http.request.header.x-ok"], activity.TagObjects.Select(t => t.Key));
    }
}

using Tracing.Sdk.Conventions;
using Tracing.Sdk.Http;

namespace Tracing.Sdk.Tests.Conventions;

public sealed class HttpMethodNamesTests
{
    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("patch", "PATCH")] // known in any case, reported upper-case as HttpClient does
    [InlineData("QUERY", "QUERY")]
    [InlineData("PROPFIND", null)] // not known
    public void Default_KnowsTheHttpMethods(string method, string? canonical) =>
        Assert.Equal(canonical, HttpMethodNames.Default.Canonical(method));

    [Fact]
    public void Override_ReplacesTheSet_CaseSensitively()
    {
        var names = HttpMethodNames.FromOverride("GET, PROPFIND ,");
        Assert.Equal("PROPFIND", names.Canonical("PROPFIND"));
        Assert.Null(names.Canonical("propfind"));
        Assert.Null(names.Canonical("POST"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData(",")]
    public void BlankOverride_KeepsTheDefault(string? value) => Assert.Same(HttpMethodNames.Default, HttpMethodNames.FromOverride(value));
}

using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Tests.AspNetCore;

public sealed class QueryRedactorTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("?", null)]
    [InlineData("?a=1", "a=REDACTED")]
    [InlineData("a=1&b=2", "a=REDACTED&b=REDACTED")]
    [InlineData("?flag", "flag")]                          // a name alone has no value to hide
    [InlineData("?empty=", "empty=")]                       // nor has an empty value
    [InlineData("?a=1&&b=x=y", "a=REDACTED&&b=REDACTED")]   // empty segment kept; '=' inside a value is value
    [InlineData("?=orphan", "=REDACTED")]                   // a value without a name is still a value
    public void Redact_ReplacesEveryValue_WhenNothingIsAllowed(string? query, string? expected) =>
        Assert.Equal(expected, new QueryRedactor([]).Redact(query));

    [Theory]
    [InlineData("?page=2&q=x", "page=2&q=REDACTED")]
    [InlineData("?PAGE=2", "PAGE=2")]                       // names compare case-insensitively, as ASP.NET Core's query collection does
    [InlineData("?p%61ge=2", "p%61ge=2")]                   // percent-encoded name of an allowed parameter
    [InlineData("?sort+order=asc", "sort+order=asc")]       // '+' is a space in a form-encoded name
    [InlineData("?pages=2", "pages=REDACTED")]
    public void Redact_KeepsAllowListedValues(string query, string expected) =>
        Assert.Equal(expected, new QueryRedactor(["page", " sort order "]).Redact(query));

    [Fact]
    public void Redact_ReturnsTheSameStringWhenNothingChanges()
    {
        const string query = "page=1";
        Assert.Same(query, new QueryRedactor(["page"]).Redact(query));
    }
}

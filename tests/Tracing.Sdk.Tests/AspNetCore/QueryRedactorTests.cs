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
    [InlineData("?eyJhbGciOiJIUzI1NiJ9", "REDACTED")]      // a bare segment (?{token}) may be the secret itself: redacted whole
    [InlineData("?a=1&flag", "a=REDACTED&REDACTED")]        // a bare segment after a parameter, too
    [InlineData("?empty=", "empty=REDACTED")]               // an empty value is redacted: no reader learns which values were empty
    [InlineData("?a=&b=2", "a=REDACTED&b=REDACTED")]        // the same length whatever the value was
    [InlineData("?=", "=REDACTED")]                         // no name, empty value: still a value
    [InlineData("?a=1&&b=x=y", "a=REDACTED&&b=REDACTED")]   // empty segment kept; '=' inside a value is value
    [InlineData("?a=1&", "a=REDACTED&")]                    // a trailing '&' is an empty segment
    [InlineData("?=orphan", "=REDACTED")]                   // a value without a name is still a value
    public void Redact_ReplacesEveryValue_WhenNothingIsAllowed(string? query, string? expected) =>
        Assert.Equal(expected, new QueryRedactor([]).Redact(query));

    [Theory]
    [InlineData("?page=2&q=x", "page=2&q=REDACTED")]
    [InlineData("?PAGE=2", "PAGE=2")]                       // names compare case-insensitively, as ASP.NET Core's query collection does
    [InlineData("?p%61ge=2", "p%61ge=2")]                   // percent-encoded name of an allowed parameter
    [InlineData("?sort+order=asc", "sort+order=asc")]       // '+' is a space in a form-encoded name
    [InlineData("?pages=2", "pages=REDACTED")]
    [InlineData("?page", "page")]                           // an allow-listed name alone is kept
    [InlineData("?PAGE&token", "PAGE&REDACTED")]            // ... case-insensitively; a bare name not listed is not
    [InlineData("?page=", "page=")]                         // an allow-listed empty value is kept
    [InlineData("?sort+order", "sort+order")]               // a bare allow-listed name, form-encoded
    [InlineData("?pag", "REDACTED")]                        // a prefix of an allowed name is not allowed
    public void Redact_KeepsAllowListedValues(string query, string expected) =>
        Assert.Equal(expected, new QueryRedactor(["page", " sort order "]).Redact(query));

    [Fact]
    public void Redact_ReturnsTheSameStringWhenNothingChanges()
    {
        const string query = "page=1";
        Assert.Same(query, new QueryRedactor(["page"]).Redact(query));
    }
}

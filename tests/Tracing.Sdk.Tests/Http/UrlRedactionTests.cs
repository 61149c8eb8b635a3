using Tracing.Sdk.Http;

namespace Tracing.Sdk.Tests.Http;

public sealed class UrlRedactionTests
{
    private readonly UrlRedaction _redaction = new(["page", " Sort "]);

    [Theory]
    [InlineData("http://api:8080/orders", "http://api:8080/orders")] // no query: as is
    [InlineData("https://api/orders?id=7", "https://api/orders?id=REDACTED")] // default port left out
    [InlineData("http://api/o?page=2&sort=asc&key=k1", "http://api/o?page=2&sort=asc&key=REDACTED")] // allow-list, any case
    [InlineData("http://api/o?s3cr3t&empty=&x=1", "http://api/o?REDACTED&empty=REDACTED&x=REDACTED")] // a bare segment may be the secret itself; an empty value is hidden like the others
    [InlineData("http://api/o?page&sort=&x=", "http://api/o?page&sort=&x=REDACTED")] // allow-listed: a bare name and an empty value kept
    [InlineData("http://api/o?a=1&a=2", "http://api/o?a=REDACTED&a=REDACTED")] // repeated
    [InlineData("http://api/o?a=b=c", "http://api/o?a=REDACTED")] // the value runs to the next &
    [InlineData("http://user:pw@api/o", "http://REDACTED:REDACTED@api/o")] // credentials
    [InlineData("http://api/o?x=1#frag", "http://api/o?x=REDACTED")] // no fragment
    [InlineData("http://[::1]:81/p%20q?x=%20", "http://[::1]:81/p%20q?x=REDACTED")] // escaped forms kept
    public void FullUrl_RedactsValuesAndCredentials(string url, string expected) =>
        Assert.Equal(expected, _redaction.FullUrl(new Uri(url)));

    [Fact]
    public void Query_WithoutAllowList_RedactsEveryValue() =>
        Assert.Equal("page=REDACTED&q=REDACTED", new UrlRedaction(null).Query("page=1&q=x"));
}

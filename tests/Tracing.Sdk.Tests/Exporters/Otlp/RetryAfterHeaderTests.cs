using System.Net.Http.Headers;
using Tracing.Sdk.Exporters.Otlp;

namespace Tracing.Sdk.Tests.Exporters.Otlp;

/// <summary><c>Retry-After</c> as seconds or as an HTTP date (RFC 9110, 10.2.3), relative to the given clock.</summary>
public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("Tue, 01 Jan 2030 12:00:30 GMT", 30)]
    public void UsableValue_GivesTheDelay(string value, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.TryGetDelay(Headers(value), Now));
    }

    [Theory]
    [InlineData("Tue, 01 Jan 2030 11:59:00 GMT")] // a date already past asks for no wait
    [InlineData("soon")]                           // neither seconds nor a date
    [InlineData("-5")]                             // seconds are non-negative
    [InlineData("1.5")]                            // seconds are whole
    public void UnusableValue_IsNoDelay(string value)
    {
        Assert.Null(RetryAfterHeader.TryGetDelay(Headers(value), Now));
    }

    [Fact]
    public void NoHeader_IsNoDelay()
    {
        using var response = new HttpResponseMessage();
        Assert.Null(RetryAfterHeader.TryGetDelay(response.Headers, Now));
    }

    private static HttpResponseHeaders Headers(string value)
    {
        var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Retry-After", value);
        return response.Headers;
    }
}

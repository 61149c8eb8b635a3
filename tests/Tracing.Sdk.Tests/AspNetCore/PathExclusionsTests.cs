using Microsoft.AspNetCore.Http;
using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Tests.AspNetCore;

public sealed class PathExclusionsTests
{
    private static readonly PathExclusions s_exclusions = new(["/health", "/internal/*", "/api/v1/ping/", " ", "/"]);

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/Health", true)]          // case-insensitive, as routing is
    [InlineData("/health/", true)]         // a trailing slash is the same path
    [InlineData("/health/live", false)]    // exact means exact
    [InlineData("/healthy", false)]
    [InlineData("/internal/", true)]       // prefix: everything after the text before '*'
    [InlineData("/internal/jobs/1", true)]
    [InlineData("/internal", false)]
    [InlineData("/api/v1/ping", true)]     // a pattern's trailing slash does not matter either
    [InlineData("/", true)]
    [InlineData("", true)]                 // an empty path is the root
    [InlineData("/orders", false)]
    public void IsExcluded_MatchesExactPathsAndPrefixes(string path, bool excluded) =>
        Assert.Equal(excluded, s_exclusions.IsExcluded(new PathString(path.Length == 0 ? null : path)));

    [Fact]
    public void Empty_ExcludesNothing()
    {
        var none = new PathExclusions([]);
        Assert.True(none.IsEmpty);
        Assert.False(none.IsExcluded(new PathString("/health")));
    }
}

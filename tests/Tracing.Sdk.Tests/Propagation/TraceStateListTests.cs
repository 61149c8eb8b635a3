using System.Reflection;
using System.Text.RegularExpressions;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// W3C Trace Context Level 2 <c>tracestate</c> rules, one case per row (the same rows run through
/// Kestrel and HttpClient in <see cref="TraceStateEndToEndTests"/>). Rows name the Level 2 test suite's
/// case (w3c/trace-context <c>test/test.py</c>) where there is one. In the inputs, <c>{c*n}</c> stands for
/// the character <c>c</c> repeated <c>n</c> times, <c>{members*n}</c> for <c>k0=v,...,k{n-1}=v</c>, and a
/// line break separates two <c>tracestate</c> header fields.
/// </summary>
public sealed partial class TraceStateListTests
{
    /// <summary>Every row of <see cref="Read_FollowsLevel2"/>, as (input, expected) pairs.</summary>
    public static IEnumerable<(string Input, string? Expected)> Cases { get; } =
        typeof(TraceStateListTests).GetMethod(nameof(Read_FollowsLevel2))!
            .GetCustomAttributes<InlineDataAttribute>()
            .SelectMany(a => a.GetData(null!))
            .Select(row => ((string)row[0], (string?)row[1]))
            .ToList();

    [Theory]
    // Kept as sent.
    [InlineData("rojo=00f067aa0ba902b7", "rojo=00f067aa0ba902b7")] // the specification's example
    [InlineData("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")] // two vendors, order kept
    [InlineData("1abc=1", "1abc=1")] // a key may start with a digit
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789_-*/@=1", "abcdefghijklmnopqrstuvwxyz0123456789_-*/@=1")] // every keychar (test_tracestate_all_allowed_characters)
    [InlineData("k= !\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", "k= !\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~")] // every value character, leading space included
    [InlineData("foo=  1", "foo=  1")] // "All leading spaces MUST be preserved as part of the value"
    [InlineData("k={v*256}", "k={v*256}")] // a value of 256 characters, the most allowed
    [InlineData("{members*32}", "{members*32}")] // 32 members, the most allowed (test_tracestate_member_count_limit)
    // Multi-tenant keys: '@' is a keychar anywhere after the first character (test_tracestate_key_illegal_vendor_format).
    [InlineData("fw529a3039@dt=1", "fw529a3039@dt=1")] // tenant@system, the specification's example
    [InlineData("foo@=1,bar=2", "foo@=1,bar=2")] // a key may end with '@'
    [InlineData("foo@@bar=1,bar=2", "foo@@bar=1,bar=2")] // two '@' in a row
    [InlineData("foo@bar@baz=1,bar=2", "foo@bar@baz=1,bar=2")] // two '@' apart
    // Key length: 256 characters in all, however '@' splits them (test_tracestate_key_length_limit).
    [InlineData("foo=1,{z*256}=1", "foo=1,{z*256}=1")] // a simple key of 256 characters
    [InlineData("foo=1,{t*241}@{v*14}=1", "foo=1,{t*241}@{v*14}=1")] // the old tenant (241) and system (14) maxima
    [InlineData("foo=1,{t*242}@v=1", "foo=1,{t*242}@v=1")] // a tenant over 241: Level 2 only limits the whole key
    [InlineData("foo=1,t@{v*15}=1", "foo=1,t@{v*15}=1")] // a system over 14: likewise
    // Normalised: optional whitespace and empty members are not sent on (test_tracestate_ows_handling).
    [InlineData("foo=1 \t , \t bar=2, \t baz=3", "foo=1,bar=2,baz=3")] // spaces and tabs around members
    [InlineData(" foo=1", "foo=1")] // leading space
    [InlineData("\tfoo=1", "foo=1")] // leading tab
    [InlineData("foo=1 ", "foo=1")] // "trailing spaces are considered to be optional whitespace"
    [InlineData("foo=1\t", "foo=1")] // trailing tab
    [InlineData("foo=1,,bar=2", "foo=1,bar=2")] // "Empty and whitespace-only list members are allowed"
    [InlineData("foo=1, \t ,bar=2", "foo=1,bar=2")] // a whitespace-only member
    [InlineData("foo=1,", "foo=1")] // a trailing comma leaves an empty member
    // Duplicated keys: not malformed; the first (left-most, most recent) entry is kept (test_tracestate_duplicated_keys).
    [InlineData("foo=1,foo=1", "foo=1")] // the same entry twice
    [InlineData("foo=1,foo=2", "foo=1")] // two values: the left-most is the latest position
    [InlineData("foo=1,bar=2,foo=3,bar=4", "foo=1,bar=2")] // several keys, order of first entries kept
    // Several header fields are one list, in order (RFC 9110 §5.3; test_tracestate_multiple_headers_different_keys).
    [InlineData("foo=1,bar=2\nrojo=1,congo=2\nbaz=3", "foo=1,bar=2,rojo=1,congo=2,baz=3")] // three fields joined
    [InlineData("foo=1\n", "foo=1")] // an empty field after a member (test_tracestate_empty_header)
    [InlineData("\nfoo=1", "foo=1")] // an empty field before it
    [InlineData("foo=1\nfoo=2", "foo=1")] // a key duplicated across fields
    [InlineData("{members*16}\n{members*16}", "{members*16}")] // 32 members received, 16 of them duplicates: kept once
    // Nothing to send: accepted, not sent on, not malformed.
    [InlineData("", null)] // "Vendors MUST accept empty tracestate headers but SHOULD avoid sending them"
    [InlineData(" ,\t, ", null)] // only empty members
    // Over 512 characters, whole entries are dropped: over 128 characters first, then from the end ("tracestate Limits").
    [InlineData("big={x*250},s1={y*125},s2={y*125},s3={y*125}", "s1={y*125},s2={y*125},s3={y*125}")] // 641 characters: the one entry over 128 goes, first though it is
    [InlineData("a={x*97},b={x*97},c={x*97},d={x*97},e={x*97},f={x*97}", "a={x*97},b={x*97},c={x*97},d={x*97},e={x*97}")] // 599 characters, no large entry: the last goes
    [InlineData("k={v*256},{z*256}=1", "k={v*256}")] // two 258-character entries, 517 characters: the later large one goes
    // Malformed: the whole header is discarded (the traceparent still stands).
    [InlineData("@foo=1,bar=2", null)] // a key may not start with '@' (test_tracestate_key_illegal_vendor_format)
    [InlineData("_foo=1", null)] // nor with '_' (only lcalpha or DIGIT)
    [InlineData("foo=1,{z*257}=1", null)] // a key of 257 characters (test_tracestate_key_length_limit)
    [InlineData("foo =1", null)] // a space inside the key (test_tracestate_key_illegal_characters)
    [InlineData("FOO=1", null)] // upper case
    [InlineData("foo.bar=1", null)] // '.' is not a keychar
    [InlineData("foo=bar=baz", null)] // '=' inside a value (test_tracestate_value_illegal_characters)
    [InlineData("foo=,bar=3", null)] // an empty value discards the others too
    [InlineData("foo", null)] // no '='
    [InlineData("=1", null)] // no key
    [InlineData("foo=a\tb", null)] // a tab inside a value is not printable ASCII
    [InlineData("foo=caf\u00e9", null)] // nor is a non-ASCII character
    [InlineData("foo=a\u0000", null)] // nor NUL
    [InlineData("k={v*257}", null)] // a value of 257 characters
    [InlineData("{members*33}", null)] // 33 members (test_tracestate_member_count_limit)
    [InlineData("{members*16}\n{members*17}", null)] // 33 members over two fields
    [InlineData("foo=1\n{z*257}=1", null)] // a malformed field discards the other fields too
    public void Read_FollowsLevel2(string input, string? expected)
    {
        var state = TraceStateList.Read(Fields(input), out var malformed);

        Assert.Equal(Expand(expected), state);

        // Discarded means malformed, except for a list with no member at all (empty is not malformed).
        Assert.Equal(expected is null && !string.IsNullOrWhiteSpace(input.Replace(",", string.Empty, StringComparison.Ordinal)), malformed);
    }

    [Fact]
    public void Normalize_ReturnsTheSameString_WhenItIsAlreadyCanonical()
    {
        const string list = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

        Assert.Same(list, TraceStateList.Normalize(list, out _));
    }

    /// <summary>The header fields an input row stands for.</summary>
    internal static string[] Fields(string input) => Expand(input)!.Split('\n');

    /// <summary>Expands the <c>{c*n}</c> and <c>{members*n}</c> shorthands of a row.</summary>
    internal static string? Expand(string? text) => text is null ? null : Shorthand().Replace(text, match =>
    {
        var count = int.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var what = match.Groups["what"].Value;
        return what == "members"
            ? string.Join(',', Enumerable.Range(0, count).Select(i => $"k{i}=v"))
            : new string(what[0], count);
    });

    [GeneratedRegex(@"\{(?<what>members|.)\*(?<count>\d+)\}")]
    private static partial Regex Shorthand();
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class BaggageFormatTests : IDisposable
{
    private static readonly ActivityContext s_context = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private readonly CountedDiagnostics _counted = new();
    private readonly BaggageFormat _format;

    public BaggageFormatTests() => _format = new BaggageFormat(_counted.Diagnostics);

    public void Dispose() => _counted.Dispose();

    [Fact]
    public void Extract_ReadsMembers_TrimmingWhitespaceAndPercentDecoding()
    {
        var baggage = Extract(new HeaderCarrier(("baggage", " userId = alice , city=S%C3%A3o%20Paulo,empty=, pct=100%25")));

        Assert.Equal("alice", baggage.GetBaggage("userId"));
        Assert.Equal("São Paulo", baggage.GetBaggage("city"));
        Assert.Equal(string.Empty, baggage.GetBaggage("empty"));
        Assert.Equal("100%", baggage.GetBaggage("pct"));
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Fact]
    public void Extract_ReadsEverySeveralBaggageHeader()
    {
        var baggage = Extract(new HeaderCarrier(("baggage", "a=1"), ("baggage", "b=2")));

        Assert.Equal("1", baggage.GetBaggage("a"));
        Assert.Equal("2", baggage.GetBaggage("b"));
    }

    [Theory]
    [InlineData("bad key=1")] // space inside a key: not a token
    [InlineData("=1")] // empty key
    [InlineData("novalue")] // no '='
    [InlineData("k=a b")] // space inside a value is not a baggage-octet
    [InlineData("k=%zz")] // bad escape
    [InlineData("k=%C3")] // truncated UTF-8 sequence
    [InlineData("k=a\"b")] // '"' is not a baggage-octet
    public void Extract_DropsOnlyTheMalformedMember(string malformed)
    {
        var baggage = Extract(new HeaderCarrier(("baggage", $"before=1,{malformed},after=2")));

        Assert.Equal("1", baggage.GetBaggage("before"));
        Assert.Equal("2", baggage.GetBaggage("after"));
        Assert.Equal(2, baggage.Count);
        Assert.Equal(1, _counted.Invalid("baggage"));
    }

    [Fact]
    public void Extract_KeepsTheFirst180Members_AndDropsTheRest()
    {
        var header = string.Join(",", Enumerable.Range(0, 200).Select(i => $"k{i}=v"));

        var baggage = Extract(new HeaderCarrier(("baggage", header)));

        Assert.Equal(180, baggage.Count);
        Assert.Equal("v", baggage.GetBaggage("k179"));
        Assert.Null(baggage.GetBaggage("k180"));
        Assert.Equal(20, _counted.BaggageDropped("baggage", "member_count"));
        Assert.Equal(20, _counted.BaggageDroppedTotal);
        Assert.Equal(0, _counted.InvalidTotal); // a member over a limit is not malformed
    }

    [Fact]
    public void Extract_DropsAMemberOver4096Bytes_AndKeepsTheOthers()
    {
        var header = $"a=1,big={new string('x', 4096)},b=2";

        var baggage = Extract(new HeaderCarrier(("baggage", header)));

        Assert.Null(baggage.GetBaggage("big"));
        Assert.Equal("1", baggage.GetBaggage("a"));
        Assert.Equal("2", baggage.GetBaggage("b"));
        Assert.Equal(1, _counted.BaggageDropped("baggage", "member_size"));
        Assert.Equal(1, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_StopsAt8192BytesInAll_KeepingWhatFits()
    {
        // Three members of ~3000 bytes: the third would pass 8192 bytes in all.
        var value = new string('v', 2990);
        var header = $"m1={value},m2={value},m3={value},small=1";

        var baggage = Extract(new HeaderCarrier(("baggage", header)));

        Assert.NotNull(baggage.GetBaggage("m1"));
        Assert.NotNull(baggage.GetBaggage("m2"));
        Assert.Null(baggage.GetBaggage("m3"));
        Assert.Equal("1", baggage.GetBaggage("small"));
        Assert.Equal(1, _counted.BaggageDropped("baggage", "total_size"));
        Assert.Equal(1, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_AMalformedMember_TakesNoRoom()
    {
        // 180 well-formed members after a malformed one: the malformed one is not one of the 180.
        var header = "bad key=1," + string.Join(",", Enumerable.Range(0, 180).Select(i => $"k{i}=v"));

        var baggage = Extract(new HeaderCarrier(("baggage", header)));

        Assert.Equal(180, baggage.Count);
        Assert.Equal(1, _counted.Invalid("baggage"));
        Assert.Equal(0, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_100KBHeader_NeverThrows_AndKeepsWithinLimits()
    {
        var baggage = Extract(new HeaderCarrier(("baggage", string.Concat(Enumerable.Repeat("key=value,", 10_000)))));

        Assert.Equal("value", baggage.GetBaggage("key"));
        Assert.Equal(1, baggage.Count);
    }

    [Fact]
    public void Properties_TravelWithTheirValue_FromExtractToInject()
    {
        var baggage = Extract(new HeaderCarrier(("baggage", "k=v;ttl=30;private, other=x")));
        Assert.Equal("v", baggage.GetBaggage("k"));

        var carrier = Inject(baggage);

        Assert.Equal("k=v;ttl=30;private,other=x", carrier["baggage"]);
    }

    [Fact]
    public void Properties_AreNotSent_ForAValueTheApplicationReplaced()
    {
        var baggage = Extract(new HeaderCarrier(("baggage", "k=v;ttl=30")));

        var carrier = Inject(baggage.SetBaggage("k", "v2"));

        Assert.Equal("k=v2", carrier["baggage"]);
    }

    [Fact]
    public void Inject_PercentEncodesWhatIsNotABaggageOctet_AndRoundTrips()
    {
        var original = Baggage.Create(new Dictionary<string, string> { ["city"] = "São Paulo, 100% \"ok\";\\" });

        var carrier = Inject(original);

        Assert.Equal("city=S%C3%A3o%20Paulo%2C%20100%25%20%22ok%22%3B%5C", carrier["baggage"]);
        Assert.Equal(original.GetBaggage("city"), Extract(carrier).GetBaggage("city"));
    }

    [Fact]
    public void Inject_SkipsKeysThatAreNotTokens_AndEntriesOverLimits()
    {
        var entries = new Dictionary<string, string> { ["ok"] = "1", ["bad key"] = "2", ["huge"] = new string('x', 5000) };

        var carrier = Inject(Baggage.Create(entries));

        Assert.Equal("ok=1", carrier["baggage"]);
    }

    [Fact]
    public void Inject_WritesAtMost180Members()
    {
        var entries = Enumerable.Range(0, 200).ToDictionary(i => $"k{i}", _ => "v");

        var carrier = Inject(Baggage.Create(entries));

        Assert.Equal(180, carrier["baggage"]!.Split(',').Length);
    }

    [Fact]
    public void Inject_WritesNoHeader_WhenThereIsNoBaggage()
    {
        Assert.Equal(0, Inject(default).Count);
    }

    private Baggage Extract(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).Baggage;

    private HeaderCarrier Inject(Baggage baggage)
    {
        var carrier = new HeaderCarrier();
        _format.Inject(new PropagationContext(s_context, baggage), carrier, HeaderCarrier.Setter);
        return carrier;
    }
}

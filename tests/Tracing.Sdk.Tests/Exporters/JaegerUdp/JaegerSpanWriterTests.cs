using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Tests.Support.Jaeger;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>Tag values whose own code misbehaves while a span is serialised: the datagram stays readable.</summary>
public sealed class JaegerSpanWriterTests
{
    [Fact]
    public async Task ValueThatCannotBeFormatted_IsSentAsAPlaceholder()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var span = spans.Root("odd", a =>
        {
            a.SetTag("bad", new ThrowingValue());
            a.SetTag("objects", new object?[] { 1, "two", null, 3.5, new ThrowingValue() });
            a.SetTag("decimal", 1.25m);
            a.SetTag("big", ulong.MaxValue);
        });

        using (var exporter = SpanFactory.Exporter(agent.Port))
        {
            exporter.Export(SpanFactory.Batch(span));
        }

        var received = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Equal("<unformattable ThrowingValue>", received.Tag("bad").VStr);
        Assert.Equal("<unformattable Object[]>", received.Tag("objects").VStr);
        Assert.Equal("1.25", received.Tag("decimal").VStr);
        Assert.Equal("18446744073709551615", received.Tag("big").VStr);
    }

    [Fact]
    public async Task MixedArray_IsAJsonList()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var span = spans.Root("arrays", a =>
        {
            a.SetTag("objects", new object?[] { 1, "t\"w\no", null, 3.5, true, double.NaN });
            a.SetTag("ints", new[] { 1, 2, 3 });
            a.SetTag("empty", Array.Empty<string>());
        });

        using (var exporter = SpanFactory.Exporter(agent.Port))
        {
            exporter.Export(SpanFactory.Batch(span));
        }

        var received = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Equal("[1,\"t\\\"w\\no\",null,3.5,true,\"NaN\"]", received.Tag("objects").VStr);
        Assert.Equal("[1,2,3]", received.Tag("ints").VStr);
        Assert.Equal("[]", received.Tag("empty").VStr);
    }

    [Fact]
    public async Task SpanChangedWhileBeingSerialised_IsDropped_AndCounted_AndTheRestArrive()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        var changing = spans.Root("changing");
        changing.SetTag("sneaky", new MutatingValue(changing));
        changing.SetTag("filler", 1);
        changing.SetTag("victim", "removed by sneaky while the tags are written");
        var fine = spans.Root("fine");

        using (var exporter = SpanFactory.Exporter(agent.Port, metrics: metrics))
        {
            exporter.Export(SpanFactory.Batch(changing, fine));
            Assert.Equal(1, exporter.Totals.SpansUnencodable);
        }

        var datagram = Assert.Single(await agent.WaitForSpansAsync(1));
        Assert.Null(datagram.Error);
        Assert.Equal(0, datagram.Trailing);
        Assert.Equal("fine", Assert.Single(datagram.Spans).OperationName);
        Assert.Equal(1, datagram.Batch!.Stats!.FailedToEmit);
        Assert.Contains(dropped.GetMeasurementSnapshot(), m => (string?)m.Tags["reason"] == "encoding_failure" && m.Value == 1);
    }

    private sealed class ThrowingValue : ISpanFormattable
    {
        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
            throw new InvalidOperationException("no text for you");

        public string ToString(string? format, IFormatProvider? formatProvider) => throw new InvalidOperationException("no text for you");

        public override string ToString() => throw new InvalidOperationException("no text for you");
    }

    /// <summary>Removes the span's "victim" tag when formatted, i.e. in the middle of the exporter's tag list.</summary>
    private sealed class MutatingValue(Activity activity) : ISpanFormattable
    {
        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            activity.SetTag("victim", null);
            charsWritten = 0;
            return true;
        }

        public string ToString(string? format, IFormatProvider? formatProvider) => "";
    }
}

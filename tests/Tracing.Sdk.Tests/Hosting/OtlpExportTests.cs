using System.Diagnostics;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>The OTLP exporter as configured: protocol, endpoint path, headers, span content.</summary>
public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Spans_ArriveDecodedWithIdsParentsAndAttributes(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Otlp.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Protocol"] = protocol,
            ["Tracing:Otlp:Endpoint"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
            ["Tracing:Otlp:Headers"] = "x-api-key=s3cret,x-tenant=a%20b",
        });
        await host.StartAsync();

        using var source = new ActivitySource(sourceName, "2.0.0");
        string traceId, parentId, childId;
        using (var parent = source.StartActivity("parent", ActivityKind.Server)!)
        {
            parent.SetTag("http.route", "/orders/{id}");
            using var child = source.StartActivity("child", ActivityKind.Client)!;
            child.SetTag("attempt", 2);
            child.SetStatus(ActivityStatusCode.Error, "boom");
            child.AddEvent(new ActivityEvent("retry"));
            traceId = parent.TraceId.ToHexString();
            parentId = parent.SpanId.ToHexString();
            childId = child.SpanId.ToHexString();
        }

        await host.StopAsync();

        var spans = receiver.Spans;
        var parentSpan = Assert.Single(spans, s => s.Name == "parent");
        var childSpan = Assert.Single(spans, s => s.Name == "child");
        Assert.Equal(traceId, parentSpan.TraceId);
        Assert.Equal(parentId, parentSpan.SpanId);
        Assert.Equal(string.Empty, parentSpan.ParentSpanId);
        Assert.Equal(ActivityKind.Server, parentSpan.Kind);
        Assert.Equal("/orders/{id}", parentSpan.Attribute("http.route"));
        Assert.Equal(traceId, childSpan.TraceId);
        Assert.Equal(childId, childSpan.SpanId);
        Assert.Equal(parentId, childSpan.ParentSpanId);
        Assert.Equal(ActivityKind.Client, childSpan.Kind);
        Assert.Equal(2L, childSpan.Attribute("attempt"));
        Assert.Equal(ActivityStatusCode.Error, childSpan.Status);
        Assert.Equal("boom", childSpan.StatusMessage);
        Assert.Equal("retry", Assert.Single(childSpan.Events).Name);
        Assert.Equal(sourceName, childSpan.ScopeName);

        var headers = receiver.RequestHeaders.Last();
        Assert.Equal("s3cret", headers["x-api-key"].ToString());
        Assert.Equal("a b", headers["x-tenant"].ToString());
    }
}

using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>Which requests get a span, what of the request is recorded, and the placement of the middleware (TestServer).</summary>
public sealed class ServerSpanMiddlewareTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/healthz")]
    [InlineData("/HEALTH/")]
    [InlineData("/metrics")]
    [InlineData("/internal/jobs/7")]
    public async Task ExcludedPath_GetsNoSpanAndNoChildSpans(string path)
    {
        var sourceName = $"AspNetCore.Excluded.{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        bool? childRecorded = null;
        await using var host = await ServerSpanHost.StartAsync(
            app => app.Run(async context =>
            {
                using (var child = source.StartActivity("child"))
                {
                    if (context.Request.Path != "/traced")
                    {
                        childRecorded = child?.Recorded ?? false;
                    }
                }

                await context.Response.WriteAsync("ok");
            }),
            o =>
            {
                o.Sources = [sourceName];
                o.AspNetCore.ExcludePaths = ["/health", "/healthz", "/alive", "/metrics", "/internal/*"];
            });

        await host.Client.GetAsync(path);
        await host.Client.GetAsync("/traced");

        var spans = await host.Collector.WaitForAsync(s => s.Any(x => x.GetTagItem("url.path") as string == "/traced"));
        Assert.False(childRecorded);
        var single = Assert.Single(spans, host.Collector.IsServerSpan);
        Assert.Equal("/traced", single.GetTagItem("url.path"));
        Assert.DoesNotContain(spans, s => s.Source.Name == sourceName && s.TraceId != single.TraceId);
    }

    [Fact]
    public async Task ExcludedPath_DropsChildren_EvenWithoutAParentBasedSampler()
    {
        var sourceName = $"AspNetCore.Excluded.{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        bool? childRecorded = null;
        await using var host = await ServerSpanHost.StartAsync(
            app => app.Run(async context =>
            {
                using (var child = source.StartActivity("child"))
                {
                    childRecorded = child?.Recorded ?? false;
                }

                await context.Response.WriteAsync("ok");
            }),
            o =>
            {
                o.Sources = [sourceName];
                o.Sampler.ParentBased = false;
            });

        await host.Client.GetAsync("/health");

        Assert.False(childRecorded);
    }

    [Fact]
    public async Task Filter_ReturningFalse_MeansNoSpan_AndAThrowingFilterMeansTraced()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.Run(c => c.Response.WriteAsync("ok")),
            configure: builder => builder.Services.ConfigureServerSpans(h => h.Filter = context => context.Request.Path.StartsWithSegments("/boom")
                ? throw new InvalidOperationException("filter bug")
                : !context.Request.Headers.ContainsKey("x-synthetic")));

        using var synthetic = new HttpRequestMessage(HttpMethod.Get, "/a");
        synthetic.Headers.Add("x-synthetic", "1");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(synthetic)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/boom")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/b")).StatusCode);

        var spans = (await host.Collector.WaitForServerSpansAsync(2)).Where(host.Collector.IsServerSpan).ToList();
        Assert.Equal(["/b", "/boom"], spans.Select(s => (string)s.GetTagItem("url.path")!).Order());
    }

    [Fact]
    public async Task QueryValues_AreRedacted_UnlessAllowListed()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/search", () => "ok"),
            o => o.AspNetCore.QueryAllowList = ["page", "Sort", "debug"]);

        await host.Client.GetAsync("/search?q=secret+stuff&page=2&token=abc&sort=asc&eyJhbGciOiJIUzI1NiJ9&empty=&debug&sort=");

        // A bare segment is redacted whole, an empty value too; an allow-listed bare name or empty value is kept.
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("q=REDACTED&page=2&token=REDACTED&sort=asc&REDACTED&empty=REDACTED&debug&sort=", span.GetTagItem("url.query"));
    }

    [Fact]
    public async Task AllowListedHeaders_AreCapturedAsArrays_AndNothingElse()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/h", (HttpContext c) =>
            {
                c.Response.Headers["X-Served-By"] = "node-7";
                c.Response.Headers["X-Secret"] = "nope";
                return "ok";
            }),
            o =>
            {
                o.AspNetCore.CaptureRequestHeaders = ["X-Tenant"];
                o.AspNetCore.CaptureResponseHeaders = ["x-served-by"];
            });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
        request.Headers.TryAddWithoutValidation("X-Tenant", ["a", "b"]);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
        request.Headers.TryAddWithoutValidation("Cookie", "session=s3cret");
        await host.Client.SendAsync(request);

        var span = await host.SingleServerSpanAsync();
        Assert.Equal(["a", "b"], Assert.IsType<string[]>(span.GetTagItem("http.request.header.x-tenant")));
        Assert.Equal(["node-7"], Assert.IsType<string[]>(span.GetTagItem("http.response.header.x-served-by")));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string s && s.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string[] a && a.Any(v => v.Contains("s3cret", StringComparison.Ordinal)));
        Assert.DoesNotContain(span.TagObjects, t => t.Key.Contains("x-secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]                 // missing flags
    [InlineData("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01")]              // all-zero trace id
    [InlineData("traceparent", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]              // forbidden version
    [InlineData("traceparent", "\u00e9\u00e9-garbage-\u0001")]                                          // not even ASCII
    [InlineData("tracestate", "=,=,==,,,,")]                                                              // empty keys
    [InlineData("baggage", "k=%ZZ,=v,;;;,key=va lue")]                                                   // bad escapes and keys
    [InlineData("b3", "zzzz-yyyy-1")]
    [InlineData("uber-trace-id", "::::")]
    public async Task HostileContextHeaders_NeverFailTheRequest_AndTheSpanIsARoot(string header, string value)
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/h", () => "ok"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
        request.Headers.TryAddWithoutValidation(header, value);
        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public async Task HugeContextHeaders_NeverFailTheRequest()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/h", () => "ok"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
        request.Headers.TryAddWithoutValidation("traceparent", "00-" + new string('a', 16_000) + "-01");
        request.Headers.TryAddWithoutValidation("baggage", string.Join(',', Enumerable.Range(0, 2_000).Select(i => $"k{i}=v{i}")));
        request.Headers.TryAddWithoutValidation("tracestate", string.Join(',', Enumerable.Range(0, 500).Select(i => $"v{i}=x")));
        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public async Task UseTracing_PlacesTheMiddleware_AndTheAutomaticOneStepsAside()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            // Requests answered before UseTracing are outside the explicitly placed middleware.
            app.Use((context, next) => context.Request.Path == "/early" ? context.Response.WriteAsync("early") : next(context));
            app.UseTracing();
            app.UseTracing();
            app.MapGet("/late/{id}", (int id) => id);
        });

        await host.Client.GetAsync("/early");
        await host.Client.GetAsync("/late/1");

        var spans = (await host.Collector.WaitForServerSpansAsync(2)).Where(host.Collector.IsServerSpan).ToList();
        Assert.Equal(2, spans.Count);
        var early = Assert.Single(spans, s => s.GetTagItem("url.path") is null);
        Assert.Equal("Microsoft.AspNetCore.Hosting.HttpRequestIn", early.DisplayName);
        var late = Assert.Single(spans, s => s.GetTagItem("url.path") as string == "/late/1");
        Assert.Equal("GET /late/{id}", late.DisplayName);
        Assert.Equal(late.TagObjects.Count(), late.TagObjects.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public async Task UseTracing_AfterRouting_StillNamesTheSpanByRoute()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            app.UseRouting();
            app.UseTracing();
            app.MapGet("/items/{id}", (int id) => id);
        });

        await host.Client.GetAsync("/items/3");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET /items/{id}", span.DisplayName);
    }

    [Fact]
    public async Task UseTracing_WithoutAddTracing_FailsAtStartWithAClearMessage()
    {
        var builder = WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();
        app.UseTracing();
        app.MapGet("/", () => "x");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("AddTracing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathBase_IsPartOfUrlPath()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            app.UsePathBase("/api");
            app.MapGet("/ping", () => "pong");
        });

        await host.Client.GetAsync("/api/ping");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("/api/ping", span.GetTagItem("url.path"));
        Assert.Equal("GET /ping", span.DisplayName);
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>The one server span per request: its name, stable HTTP attributes, status and exceptions (TestServer).</summary>
public sealed class ServerSpanStateTests
{
    [Fact]
    public async Task RoutedRequest_IsOneServerSpanNamedByRouteWithStableAttributes()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/users/{id}", (int id) => $"user {id}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/users/42");
        request.Headers.UserAgent.ParseAdd("tests/1.0");

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET /users/{id}", span.DisplayName);
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.Equal("/users/{id}", span.GetTagItem("http.route"));
        Assert.Equal("http", span.GetTagItem("url.scheme"));
        Assert.Equal("/users/42", span.GetTagItem("url.path"));
        Assert.Null(span.GetTagItem("url.query"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("localhost", span.GetTagItem("server.address"));
        Assert.Equal(80, span.GetTagItem("server.port"));
        Assert.Equal("1.1", span.GetTagItem("network.protocol.version"));
        Assert.Equal("tests/1.0", span.GetTagItem("user_agent.original"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // Each attribute once: nothing else wrote the same keys beside ours.
        Assert.Equal(span.TagObjects.Count(), span.TagObjects.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public async Task NoMatchingRoute_IsNamedByMethodOnly_And404IsNotAnError()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/users/{id}", (int id) => id));

        var response = await host.Client.GetAsync("/nothing/here/123");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET", span.DisplayName);
        Assert.Null(span.GetTagItem("http.route"));
        Assert.Equal(404, span.GetTagItem("http.response.status_code"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task UnknownMethod_IsRecordedAsOther_AndNamedHttp()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapMethods("/things", ["FOO"], () => "ok"));

        var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod("FOO"), "/things"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("HTTP /things", span.DisplayName);
        Assert.Equal("_OTHER", span.GetTagItem("http.request.method"));
        Assert.Equal("FOO", span.GetTagItem("http.request.method_original"));
    }

    [Fact]
    public async Task LowerCaseMethod_IsCanonicalised_AndTheOriginalKept()
    {
        // ASP.NET Core matches methods case-insensitively; semantic conventions then ask for the
        // canonical name plus http.request.method_original with what was sent.
        await using var host = await ServerSpanHost.StartAsync(app => app.Run(c => c.Response.WriteAsync("ok")));

        await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod("get"), "/x"));

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET", span.DisplayName);
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.Equal("get", span.GetTagItem("http.request.method_original"));
    }

    [Fact]
    public async Task ServerErrorStatus_IsAnError_WithStatusCodeAsErrorType()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/busy", () => Results.StatusCode(503)));

        await host.Client.GetAsync("/busy");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal(503, span.GetTagItem("http.response.status_code"));
        Assert.Equal("503", span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Empty(span.Events);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(429)]
    public async Task ClientErrorStatus_IsNotAServerError(int status)
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/x", () => Results.StatusCode(status)));

        await host.Client.GetAsync("/x");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal(status, span.GetTagItem("http.response.status_code"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task ThrownException_IsRecordedAsEvent_StatusErrorAnd500()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/boom", string () => throw new InvalidOperationException("kaput")));

        // TestServer hands an unhandled exception to the client: it leaves the span's middleware unchanged.
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.GetAsync("/boom"));

        Assert.Equal("kaput", thrown.Message);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET /boom", span.DisplayName);
        Assert.Equal(500, span.GetTagItem("http.response.status_code"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("kaput", span.StatusDescription);
        AssertExceptionEvent(span, typeof(InvalidOperationException), "kaput");
    }

    [Fact]
    public async Task ThrownException_NotRecordedAsEvent_WhenRecordExceptionsIsOff()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/boom", string () => throw new InvalidOperationException("kaput")),
            o => o.AspNetCore.RecordExceptions = false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.GetAsync("/boom"));

        var span = await host.SingleServerSpanAsync();
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Empty(span.Events);
    }

    [Fact]
    public async Task ExceptionSwallowedByUseExceptionHandler_IsStillRecorded_AndTheSpanKeepsItsRoute()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            app.UseExceptionHandler("/error");
            app.MapGet("/orders/{id}", string (int id) => throw new ArgumentException("bad order"));
            app.MapGet("/error", () => Results.Problem("sorry", statusCode: 500));
        });

        var response = await host.Client.GetAsync("/orders/7");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET /orders/{id}", span.DisplayName);
        Assert.Equal("/orders/{id}", span.GetTagItem("http.route"));
        Assert.Equal(typeof(ArgumentException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        AssertExceptionEvent(span, typeof(ArgumentException), "bad order");
    }

    [Fact]
    public async Task ExceptionHandledIntoA4xx_IsStillAnError()
    {
        // An IExceptionHandler that answers 400: the exception still happened inside the span.
        await using var host = await ServerSpanHost.StartAsync(
            app =>
            {
                app.UseExceptionHandler();
                app.MapGet("/parse", string () => throw new FormatException("not a number"));
            },
            configure: builder => builder.Services.AddExceptionHandler<BadRequestHandler>().AddProblemDetails());

        var response = await host.Client.GetAsync("/parse");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal(400, span.GetTagItem("http.response.status_code"));
        Assert.Equal(typeof(FormatException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        AssertExceptionEvent(span, typeof(FormatException), "not a number");
    }

    [Fact]
    public async Task ExceptionRenderedByDeveloperExceptionPage_IsRecorded()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            app.UseDeveloperExceptionPage();
            app.MapGet("/dev", string () => throw new NotSupportedException("dev only"));
        });

        var response = await host.Client.GetAsync("/dev");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var span = await host.SingleServerSpanAsync();
        Assert.Equal(typeof(NotSupportedException).FullName, span.GetTagItem("error.type"));
        AssertExceptionEvent(span, typeof(NotSupportedException), "dev only");
    }

    [Fact]
    public async Task StatusCodePagesReExecution_DoesNotRenameTheSpanAfterTheErrorPage()
    {
        await using var host = await ServerSpanHost.StartAsync(app =>
        {
            app.UseStatusCodePagesWithReExecute("/status/{0}");
            app.MapGet("/status/{code}", (int code) => $"status {code}");
        });

        await host.Client.GetAsync("/missing");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET", span.DisplayName);
        Assert.Null(span.GetTagItem("http.route"));
    }

    [Fact]
    public async Task Controllers_AreNamedByTheirAttributeRoute()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapControllers(),
            configure: builder => builder.Services.AddControllers().AddApplicationPart(typeof(OrdersController).Assembly));

        var response = await host.Client.GetAsync("/api/orders/12");

        Assert.Equal("order 12", await response.Content.ReadAsStringAsync());
        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET api/orders/{id:int}", span.DisplayName);
        Assert.Equal("api/orders/{id:int}", span.GetTagItem("http.route"));
    }

    [Fact]
    public async Task RootRoute_IsSlash()
    {
        await using var host = await ServerSpanHost.StartAsync(app => app.MapGet("/", () => "home"));

        await host.Client.GetAsync("/");

        var span = await host.SingleServerSpanAsync();
        Assert.Equal("GET /", span.DisplayName);
        Assert.Equal("/", span.GetTagItem("http.route"));
    }

    [Fact]
    public async Task Enrich_AddsToTheFinishedSpan_AndAFailingEnrichNeverFailsTheRequest()
    {
        var calls = 0;
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/e/{n}", (int n) => n),
            configure: builder => builder.Services.ConfigureServerSpans(h => h.Enrich = (activity, context) =>
            {
                activity.SetTag("app.status_seen", context.Response.StatusCode);
                if (Interlocked.Increment(ref calls) == 2)
                {
                    throw new InvalidOperationException("enricher bug");
                }
            }));

        var first = await host.Client.GetAsync("/e/1");
        var second = await host.Client.GetAsync("/e/2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var spans = (await host.Collector.WaitForServerSpansAsync(2)).Where(host.Collector.IsServerSpan).ToList();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal(200, s.GetTagItem("app.status_seen")));
    }

    [Fact]
    public async Task ChildSpans_AreChildrenOfTheServerSpan()
    {
        var sourceName = $"AspNetCore.Child.{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        await using var host = await ServerSpanHost.StartAsync(
            app => app.MapGet("/work", () =>
            {
                using var child = source.StartActivity("work");
                return "done";
            }),
            o => o.Sources = [sourceName]);

        await host.Client.GetAsync("/work");

        var spans = await host.Collector.WaitForAsync(s => s.Count >= 2);
        var server = Assert.Single(spans, host.Collector.IsServerSpan);
        var child = Assert.Single(spans, s => s.Source.Name == sourceName);
        Assert.Equal(server.TraceId, child.TraceId);
        Assert.Equal(server.SpanId, child.ParentSpanId);
    }

    internal static void AssertExceptionEvent(Activity span, Type type, string message)
    {
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        var tags = exception.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(type.FullName, tags["exception.type"]);
        Assert.Equal(message, tags["exception.message"]);
        Assert.Contains(type.FullName!, (string)tags["exception.stacktrace"]!, StringComparison.Ordinal);
    }

    private sealed class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            await httpContext.Response.WriteAsync("bad input", cancellationToken);
            return true;
        }
    }
}

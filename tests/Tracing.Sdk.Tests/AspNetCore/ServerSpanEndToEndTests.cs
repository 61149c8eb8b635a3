using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>Real Kestrel on 127.0.0.1, spans as a live OTLP receiver decodes them.</summary>
public sealed class ServerSpanEndToEndTests
{
    [Theory]
    [InlineData("1.1")]
    [InlineData("2")]
    public async Task MinimalApi_OverHttpVersion_ExportsOneServerSpanParentedByTheCaller(string version)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"e2e-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            app => app.MapGet("/users/{id}", (int id) => $"user {id}"),
            builder => builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l =>
                l.Protocols = version == "2" ? HttpProtocols.Http2 : HttpProtocols.Http1)));
        await using (app)
        {
            using var client = new HttpClient();
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            const string parentId = "b7ad6b7169203331";
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.BaseAddress()}/users/7?token=abc")
            {
                // HTTP/2 without TLS: prior knowledge (h2c), as gRPC clients do.
                Version = version == "2" ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{parentId}-01");
            request.Headers.UserAgent.ParseAdd("e2e/1.0");

            var response = await client.SendAsync(request);
            Assert.Equal("user 7", await response.Content.ReadAsStringAsync());

            var spans = await receiver.WaitForTraceAsync(traceId, 1);
            var span = Assert.Single(spans, s => s.TraceId == traceId);
            var port = new Uri(app.BaseAddress()).Port;
            Assert.Equal(service, span.ServiceName);
            Assert.Equal("Microsoft.AspNetCore", span.ScopeName);
            Assert.Equal("GET /users/{id}", span.Name);
            Assert.Equal(ActivityKind.Server, span.Kind);
            Assert.Equal(parentId, span.ParentSpanId);
            Assert.Equal("GET", span.Attribute("http.request.method"));
            Assert.Equal("/users/{id}", span.Attribute("http.route"));
            Assert.Equal("/users/7", span.Attribute("url.path"));
            Assert.Equal("token=REDACTED", span.Attribute("url.query"));
            Assert.Equal("http", span.Attribute("url.scheme"));
            Assert.Equal(200L, span.Attribute("http.response.status_code"));
            Assert.Equal(version, span.Attribute("network.protocol.version"));
            Assert.Equal("127.0.0.1", span.Attribute("server.address"));
            Assert.Equal((long)port, span.Attribute("server.port"));
            Assert.Equal("127.0.0.1", span.Attribute("client.address"));
            Assert.Equal("e2e/1.0", span.Attribute("user_agent.original"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }
    }

    [Fact]
    public async Task ControllersAnd404And500_AreExportedWithNamesAndStatus()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"e2e-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            app =>
            {
                app.UseExceptionHandler(error => error.Run(c => c.Response.WriteAsync("sorry")));
                app.MapControllers();
                app.MapGet("/boom", string () => throw new TimeoutException("slow db"));
            },
            builder => builder.Services.AddControllers().AddApplicationPart(typeof(OrdersController).Assembly));
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
            var ids = new Dictionary<string, string>();
            foreach (var path in new[] { "/api/orders/5", "/nowhere", "/boom" })
            {
                var traceId = ActivityTraceId.CreateRandom().ToHexString();
                ids[path] = traceId;
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
                await client.SendAsync(request);
            }

            var spans = await receiver.WaitForSpansAsync(s => ids.Values.All(id => s.Any(x => x.TraceId == id)));
            var controller = Assert.Single(spans, s => s.TraceId == ids["/api/orders/5"]);
            Assert.Equal("GET api/orders/{id:int}", controller.Name);
            Assert.Equal(ActivityStatusCode.Unset, controller.Status);

            var notFound = Assert.Single(spans, s => s.TraceId == ids["/nowhere"]);
            Assert.Equal("GET", notFound.Name);
            Assert.Equal(404L, notFound.Attribute("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Unset, notFound.Status);

            var failed = Assert.Single(spans, s => s.TraceId == ids["/boom"]);
            Assert.Equal("GET /boom", failed.Name);
            Assert.Equal(500L, failed.Attribute("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
            Assert.Equal(typeof(TimeoutException).FullName, failed.Attribute("error.type"));
            var exception = Assert.Single(failed.Events, e => e.Name == "exception");
            Assert.Equal("slow db", exception.Attributes["exception.message"]);
        }
    }

    [Fact]
    public async Task EndpointsCompletingAfterAnAwait_AreDescribedAsHostingEndsTheirSpans()
    {
        // The span's response tags and status are written as hosting stops the request, not by a middleware
        // awaiting the pipeline: a status set and an exception thrown after an await, with no exception
        // handler (the server answers 500 itself), and a response written in two flushes.
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"e2e-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            app =>
            {
                app.MapPost("/items/{id}", async (int id, HttpContext context) =>
                {
                    await Task.Yield();
                    context.Response.StatusCode = StatusCodes.Status201Created;
                    await context.Response.WriteAsync($"item {id}");
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(1);
                    await context.Response.WriteAsync(" stored");
                });
                app.MapGet("/later-boom", async Task<string> () =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("failed after an await");
                });
            });
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
            var created = ActivityTraceId.CreateRandom().ToHexString();
            var failing = ActivityTraceId.CreateRandom().ToHexString();
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/items/3"))
            {
                request.Headers.TryAddWithoutValidation("traceparent", $"00-{created}-b7ad6b7169203331-01");
                var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Assert.Equal("item 3 stored", await response.Content.ReadAsStringAsync());
            }

            using (var request = new HttpRequestMessage(HttpMethod.Get, "/later-boom"))
            {
                request.Headers.TryAddWithoutValidation("traceparent", $"00-{failing}-b7ad6b7169203331-01");
                Assert.Equal(HttpStatusCode.InternalServerError, (await client.SendAsync(request)).StatusCode);
            }

            var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.TraceId == created) && s.Any(x => x.TraceId == failing));
            var ok = Assert.Single(spans, s => s.TraceId == created);
            Assert.Equal("POST /items/{id}", ok.Name);
            Assert.Equal("/items/{id}", ok.Attribute("http.route"));
            Assert.Equal(201L, ok.Attribute("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Unset, ok.Status);
            Assert.Equal("b7ad6b7169203331", ok.ParentSpanId);

            var failed = Assert.Single(spans, s => s.TraceId == failing);
            Assert.Equal("GET /later-boom", failed.Name);
            Assert.Equal(500L, failed.Attribute("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
            Assert.Equal(typeof(InvalidOperationException).FullName, failed.Attribute("error.type"));
            var exception = Assert.Single(failed.Events, e => e.Name == "exception");
            Assert.Equal("failed after an await", exception.Attributes["exception.message"]);
        }
    }

    [Fact]
    public async Task ConcurrentRequestsOfDifferentKinds_EachSpanDescribesOnlyItsOwnRequest()
    {
        // A request's state is reused by the next request its thread starts: many requests in flight on
        // a few threads, each kind leaving different marks (route, handled exception, no route), must
        // never lend one request's name, route, status or exception to another.
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"e2e-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            app =>
            {
                app.UseExceptionHandler(error => error.Run(c => c.Response.WriteAsync("sorry")));
                app.MapGet("/ok/{id}", async (int id) =>
                {
                    await Task.Yield();
                    return $"ok {id}";
                });
                app.MapGet("/handled/{id}", string (int id) => throw new InvalidDataException($"bad {id}"));
            });
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
            string[] kinds = ["ok", "handled", "missing"];
            var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Kind, int Id)>();
            await Parallel.ForEachAsync(Enumerable.Range(0, 240), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var kind = kinds[i % kinds.Length];
                var traceId = ActivityTraceId.CreateRandom().ToHexString();
                sent[traceId] = (kind, i);
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/{kind}/{i}");
                request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
                using var response = await client.SendAsync(request, ct);
                Assert.Equal(kind switch { "ok" => HttpStatusCode.OK, "handled" => HttpStatusCode.InternalServerError, _ => HttpStatusCode.NotFound }, response.StatusCode);
            });

            static bool IsServer(ReceivedSpan span, string service) => span.ServiceName == service && span.Kind == ActivityKind.Server;
            var spans = await receiver.WaitForSpansAsync(s => s.Count(x => IsServer(x, service)) >= sent.Count);
            var server = spans.Where(s => IsServer(s, service)).ToList();
            Assert.Equal(sent.Count, server.Count);
            foreach (var span in server)
            {
                var (kind, id) = sent[span.TraceId];
                Assert.Equal("b7ad6b7169203331", span.ParentSpanId);
                Assert.Equal($"/{kind}/{id}", span.Attribute("url.path"));
                switch (kind)
                {
                    case "ok":
                        Assert.Equal("GET /ok/{id}", span.Name);
                        Assert.Equal("/ok/{id}", span.Attribute("http.route"));
                        Assert.Equal(200L, span.Attribute("http.response.status_code"));
                        Assert.Equal(ActivityStatusCode.Unset, span.Status);
                        Assert.Empty(span.Events);
                        break;
                    case "handled":
                        Assert.Equal("GET /handled/{id}", span.Name);
                        Assert.Equal("/handled/{id}", span.Attribute("http.route"));
                        Assert.Equal(500L, span.Attribute("http.response.status_code"));
                        Assert.Equal(ActivityStatusCode.Error, span.Status);
                        var exception = Assert.Single(span.Events, e => e.Name == "exception");
                        Assert.Equal($"bad {id}", exception.Attributes["exception.message"]);
                        break;
                    default:
                        Assert.Equal("GET", span.Name);
                        Assert.Null(span.Attribute("http.route"));
                        Assert.Equal(404L, span.Attribute("http.response.status_code"));
                        Assert.Equal(ActivityStatusCode.Unset, span.Status);
                        Assert.Empty(span.Events);
                        break;
                }
            }
        }
    }

    [Fact]
    public async Task HostileHeaders_OverKestrel_NeverFailTheRequest()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"e2e-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            app => app.MapGet("/h", () => "ok"));
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
            request.Headers.TryAddWithoutValidation("traceparent", "00-" + new string('f', 8_000) + "-zz");
            request.Headers.TryAddWithoutValidation("tracestate", new string(',', 4_000));
            request.Headers.TryAddWithoutValidation("baggage", string.Join(',', Enumerable.Range(0, 1_000).Select(i => $"k{i}=%{i}")));
            request.Headers.TryAddWithoutValidation("b3", "1-2-3-4-5-6");

            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.ServiceName == service && x.Kind == ActivityKind.Server));
            var span = Assert.Single(spans, s => s.ServiceName == service && s.Kind == ActivityKind.Server);
            Assert.Equal("GET /h", span.Name);
            Assert.Equal(string.Empty, span.ParentSpanId);
        }
    }
}

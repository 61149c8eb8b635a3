using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Http;

/// <summary>
/// HttpClient's own client span, described by the SDK, against a real Kestrel server: one span per
/// call for factory-made and hand-made clients, the caller's child and the server's parent, with the
/// stable HTTP client attributes, the query redacted, and Error for 4xx/5xx and transport failures.
/// </summary>
/// <remarks>
/// In the process-wide propagation collection: a <c>new HttpClient()</c> injects with
/// <c>DistributedContextPropagator.Current</c>, which a host started by a parallel test could set to
/// another format; run alone, its one <c>traceparent</c> can be asserted exactly.
/// </remarks>
[Collection(Tracing.Sdk.Tests.Propagation.GlobalPropagationState.Name)]
public sealed class HttpClientSpanProcessorTests(HttpClientSpanProcessorTests.Fixture fixture) : IClassFixture<HttpClientSpanProcessorTests.Fixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EachCall_IsOneClientSpan_ChildOfTheCaller_AndTheServersParent(bool factoryClient)
    {
        using var client = factoryClient
            ? fixture.Host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api")
            : new HttpClient();
        var (trace, parentId, traceparents) = await fixture.CallAsync(client, "/echo");

        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal("GET", span.Name);
        Assert.Equal("System.Net.Http", span.ScopeName);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal("GET", span.Attribute("http.request.method"));
        Assert.Equal($"{fixture.Address}/echo", span.Attribute("url.full"));
        Assert.Equal("127.0.0.1", span.Attribute("server.address"));
        Assert.Equal((long)new Uri(fixture.Address).Port, span.Attribute("server.port"));
        Assert.Equal(200L, span.Attribute("http.response.status_code"));
        Assert.Equal("1.1", span.Attribute("network.protocol.version"));
        Assert.Null(span.Attribute("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // Exactly one traceparent, naming this span: a factory client injects with its host's
        // propagator, a `new HttpClient()` with DistributedContextPropagator.Current, which the host set.
        Assert.Equal($"00-{span.TraceId}-{span.SpanId}-01", Assert.Single(traceparents));
    }

    [Fact]
    public async Task QueryValues_AreRedacted_UnlessAllowListed()
    {
        using var client = new HttpClient();
        var (trace, _, _) = await fixture.CallAsync(client, "/echo?page=2&token=s3cret&s3cret-alone&empty=&Page=3#top");
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal($"{fixture.Address}/echo?page=2&token=REDACTED&REDACTED&empty=REDACTED&Page=3", span.Attribute("url.full"));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ErrorResponse_IsAnError_WithTheStatusAsErrorType(int status)
    {
        using var client = new HttpClient();
        var (trace, _, _) = await fixture.CallAsync(client, $"/status/{status}");
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal((long)status, span.Attribute("http.response.status_code"));
        Assert.Equal(status.ToString(), span.Attribute("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Empty(span.Events);
    }

    [Fact]
    public async Task TransportFailure_IsAnError_WithTheExceptionRecordedOnce()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        using var client = new HttpClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{port}/x"));
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal("GET", span.Name);
        Assert.Equal("connection_error", span.Attribute("error.type"));
        Assert.Null(span.Attribute("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var exception = Assert.Single(span.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Equal(typeof(HttpRequestException).FullName, exception.Attributes["exception.type"]);
    }

    [Fact]
    public async Task Cancellation_IsAnError_OfTheCancellationType()
    {
        using var client = new HttpClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync($"{fixture.Address}/slow", cancel.Token));
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal(typeof(TaskCanceledException).FullName, span.Attribute("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Theory]
    [InlineData("FOO", "HTTP", "_OTHER", "FOO")] // not a known method
    [InlineData("get", "GET", "GET", "get")] // known in any case, canonicalised; semconv then asks for the original
    [InlineData("QUERY", "QUERY", "QUERY", null)]
    public async Task Method_NamesTheSpan(string method, string name, string attribute, string? original)
    {
        using var client = new HttpClient();
        var (trace, _, _) = await fixture.CallAsync(client, "/echo", new HttpMethod(method));
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal(name, span.Name);
        Assert.Equal(attribute, span.Attribute("http.request.method"));
        Assert.Equal(original, span.Attribute("http.request.method_original"));
    }

    [Fact]
    public async Task RequestAndResponse_AreLetGoWhenTheSpanEnds_WhileTheSpanWaitsInTheExportQueue()
    {
        // A host whose batch waits ten minutes: the ended client span stays queued for the whole test.
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var host = await TracedClientHost.StartAsync(
            receiver,
            new Dictionary<string, string?> { ["Tracing:Batch:ScheduledDelayMilliseconds"] = "600000" },
            services => services.AddHttpClient());
        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        WeakReference request, response;
        using (host.StartParent())
        {
            (request, response) = await CallAndLetGoAsync(client, $"{fixture.Address}/echo");
        }

        var ledger = host.Services.GetRequiredService<TracingMetrics>().ForExporter(ExporterNames.Otlp);
        Assert.Equal(2, ledger.Queued); // the parent and the client span, not exported yet

        for (var i = 0; i < 5 && (request.IsAlive || response.IsAlive); i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(request.IsAlive, "the queued span keeps the HttpRequestMessage alive");
        Assert.False(response.IsAlive, "the queued span keeps the HttpResponseMessage alive");
        Assert.Equal(2, ledger.Queued);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Request, WeakReference Response)> CallAndLetGoAsync(HttpClient client, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        response.Dispose();
        return (new WeakReference(request), new WeakReference(response));
    }

    /// <summary>A Kestrel server that echoes the traceparent headers it got, and a traced client host.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private WebApplication _app = null!;

        public string Address { get; private set; } = string.Empty;

        public OtlpReceiver Receiver { get; private set; } = null!;

        public TracedClientHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapMethods("/echo", ["GET", "FOO", "QUERY"], (HttpContext context) =>
                Results.Json(context.Request.Headers["traceparent"].ToArray()));
            _app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
            _app.MapGet("/slow", async (HttpContext context) =>
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            });
            await _app.StartAsync();
            Address = _app.Urls.First();

            Receiver = await OtlpReceiver.StartAsync();
            Host = await TracedClientHost.StartAsync(
                Receiver,
                new Dictionary<string, string?> { ["Tracing:AspNetCore:QueryAllowList:0"] = "page" },
                services => services.AddHttpClient("api"));
        }

        /// <summary>Calls <paramref name="path"/> under a test parent; returns the trace, the parent's id and the traceparents the server saw.</summary>
        public async Task<(IReadOnlyList<ReceivedSpan> Trace, string ParentId, string[] Traceparents)> CallAsync(HttpClient client, string path, HttpMethod? method = null)
        {
            string traceId, parentId;
            string[] traceparents = [];
            using (var parent = Host.StartParent())
            {
                (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
                using var response = await client.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, Address + path));
                if (path.StartsWith("/echo", StringComparison.Ordinal))
                {
                    traceparents = (await response.Content.ReadFromJsonAsync<string[]>())!;
                }
            }

            return (await TraceAsync(traceId, parentId), parentId, traceparents);
        }

        public async Task<IReadOnlyList<ReceivedSpan>> TraceAsync(string traceId, string parentId)
        {
            var spans = await Receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId));
            return spans.Where(s => s.TraceId == traceId).ToList();
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Receiver.DisposeAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// Every <c>tracestate</c> case of <see cref="TraceStateListTests"/> through real Kestrel on 127.0.0.1:
/// the header reaches the server span's tracestate as the rules say, and HttpClient (an
/// <c>IHttpClientFactory</c> client called by the endpoint) sends exactly that on to the next service.
/// Cases HTTP/1.1 cannot carry (non-ASCII, NUL) stay unit tests.
/// </summary>
// On .NET 8, IHttpClientFactory's primary handler (Microsoft.Extensions.Http 8: HttpClientHandler) injects with the
// process-wide propagator, which is whichever host set it last: run alone, or another test's host decides the format.
[Collection(GlobalPropagationState.Name)]
public sealed class TraceStateEndToEndTests(TraceStateEndToEndTests.Service service) : IClassFixture<TraceStateEndToEndTests.Service>
{
    public static IEnumerable<object?[]> SendableCases { get; } = TraceStateListTests.Cases
        .Where(c => c.Input.All(static ch => ch is '\t' or '\n' or (>= ' ' and <= '~')))
        .Select(c => new object?[] { c.Input, c.Expected })
        .ToList();

    [Theory]
    [MemberData(nameof(SendableCases))]
    public async Task Tracestate_ReachesTheServerSpan_AndGoesOnFromHttpClient(string input, string? expected)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, service.Url);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.TryAddWithoutValidation("tracestate", TraceStateListTests.Fields(input));

        using var response = await PropagationWiringTests.PlainClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var onward = EchoServer.Parse(body.RootElement.GetProperty("echo").GetString()!);

        // The traceparent stands whatever the tracestate was.
        Assert.Equal(traceId, body.RootElement.GetProperty("traceId").GetString());
        Assert.Contains(traceId, Assert.Single(onward["traceparent"]));
        expected = TraceStateListTests.Expand(expected);
        Assert.Equal(expected, body.RootElement.GetProperty("traceState").GetString());
        if (expected is null)
        {
            Assert.False(onward.ContainsKey("tracestate"));
        }
        else
        {
            Assert.Equal(expected, Assert.Single(onward["tracestate"]));
        }
    }

    /// <summary>A traced Kestrel app whose endpoint reports its span and calls an echo server.</summary>
    public sealed class Service : IAsyncLifetime
    {
        private EchoServer? _echo;
        private WebApplication? _app;

        public string Url => $"{_app!.BaseAddress()}/state?target={Uri.EscapeDataString(_echo!.Url)}";

        public async Task InitializeAsync()
        {
            _echo = await EchoServer.StartAsync();
            _app = await TracingHost.StartWebAsync(
                new Dictionary<string, string?>
                {
                    ["Tracing:ServiceName"] = "tracestate",
                    ["Tracing:Exporters:0"] = "none",
                    ["Tracing:Propagators:0"] = "tracecontext",
                },
                app => app.MapGet("/state", async (IHttpClientFactory factory, string target) => Results.Json(new
                {
                    traceId = Activity.Current!.TraceId.ToHexString(),
                    traceState = Activity.Current.TraceStateString,
                    echo = await factory.CreateClient().GetStringAsync(new Uri(target)),
                })),
                builder => builder.Services.AddHttpClient());
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            if (_echo is not null)
            {
                await _echo.DisposeAsync();
            }
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>A Kestrel app without tracing on 127.0.0.1 that answers every request with the headers it received, as JSON.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/echo";

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/echo", (HttpRequest request) => Results.Json(
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToArray())));
        await app.StartAsync();
        return new EchoServer(app);
    }

    public static Dictionary<string, string[]> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(json)!;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// A Jaeger sampling endpoint on Kestrel, 127.0.0.1: <c>GET /sampling?service=...</c> answers whatever
/// the test set last (status and body), and every request is recorded.
/// </summary>
internal sealed class JaegerSamplingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly List<(string Path, string Query, Dictionary<string, string> Headers)> _requests = [];
    private int _status = 200;
    private byte[] _body = [];
    private bool _stall;

    private JaegerSamplingServer(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = string.Empty;

    public string Endpoint => BaseAddress + "/sampling";

    public IReadOnlyList<(string Path, string Query, Dictionary<string, string> Headers)> Requests
    {
        get { lock (_lock) { return _requests.ToList(); } }
    }

    public static async Task<JaegerSamplingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JaegerSamplingServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = app.Urls.First();
        return server;
    }

    public void Answer(string json, int status = 200) => Answer(System.Text.Encoding.UTF8.GetBytes(json), status);

    public void Answer(byte[] body, int status = 200)
    {
        lock (_lock)
        {
            _status = status;
            _body = body;
            _stall = false;
        }
    }

    /// <summary>Answers 200 with the start of a body and then sends nothing more until the client gives up.</summary>
    public void Stall()
    {
        lock (_lock)
        {
            _stall = true;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        int status;
        byte[] body;
        bool stall;
        lock (_lock)
        {
            _requests.Add((context.Request.Path, context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            status = _status;
            body = _body;
            stall = _stall;
        }

        if (stall)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync("{\"probabilisticSampling\":"u8.ToArray());
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body);
    }
}

/// <summary>A loopback port nobody listens on: a sampling endpoint that is down.</summary>
internal static class ClosedPort
{
    public static string Endpoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/sampling";
    }
}

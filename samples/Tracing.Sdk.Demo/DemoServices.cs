using System.Net.Http.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;
using Tracing.Sdk.Demo.Protos;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Demo;

/// <summary>
/// The three demo services. Each is a normal ASP.NET Core app with one line of tracing: front calls
/// orders over HTTP, orders calls inventory over gRPC (a Grpc.AspNetCore service, called through the
/// SDK's <see cref="TracingInterceptor"/>).
/// </summary>
internal static class DemoServices
{
    public const string DriverSource = "Demo.Driver";

    public static Task<RunningService> StartFrontAsync(string[] exporters, string ordersUrl) =>
        RunningService.StartAsync("front", exporters, [DriverSource], (app, _) =>
        {
            app.MapGet("/checkout/{sku}", async (string sku, int quantity, IHttpClientFactory clients, ILogger<FrontLog> log) =>
            {
                log.LogInformation("Checkout of {Quantity} x {Sku}", quantity, sku);
                var client = clients.CreateClient("orders");
                using var response = await client.PostAsJsonAsync("/orders", new OrderRequest(sku, quantity));
                return response.IsSuccessStatusCode
                    ? Results.Ok(await response.Content.ReadFromJsonAsync<OrderResponse>())
                    : Results.Problem($"orders answered {(int)response.StatusCode}", statusCode: 502);
            });
        }, services => services.AddHttpClient("orders", c => c.BaseAddress = new Uri(ordersUrl)));

    public static Task<RunningService> StartOrdersAsync(string[] exporters, string inventoryUrl) =>
        RunningService.StartAsync("orders", exporters, [], (app, _) =>
        {
            app.MapPost("/orders", async (OrderRequest order, Inventory.InventoryClient inventory, ILogger<OrdersLog> log) =>
            {
                log.LogInformation("Placing order for {Sku}", order.Sku);
                try
                {
                    await inventory.ReserveAsync(new ReserveRequest { Sku = order.Sku, Quantity = order.Quantity });
                }
                catch (RpcException refused)
                {
                    log.LogWarning("Inventory refused {Sku}: {Status}", order.Sku, refused.StatusCode);
                    return Results.Problem("no stock", statusCode: 500);
                }

                return Results.Ok(new OrderResponse(Guid.NewGuid().ToString("N")[..8], order.Sku, order.Quantity));
            });
        }, services => services
            .AddGrpcClient<Inventory.InventoryClient>(o => o.Address = new Uri(inventoryUrl))
            .AddInterceptor<TracingInterceptor>());

    public static Task<RunningService> StartInventoryAsync(string[] exporters) =>
        RunningService.StartAsync(
            "inventory",
            exporters,
            [],
            (app, _) => app.MapGrpcService<InventoryService>(),
            services => services.AddGrpc(),
            http2Only: true);

    internal sealed record OrderRequest(string Sku, int Quantity);

    internal sealed record OrderResponse(string OrderId, string Sku, int Quantity);

    internal sealed class FrontLog;

    internal sealed class OrdersLog;

}

/// <summary>One demo service: a WebApplication on a free 127.0.0.1 port.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningService(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<RunningService> StartAsync(
        string name,
        string[] exporters,
        string[] sources,
        Action<WebApplication, string> map,
        Action<IServiceCollection>? services = null,
        bool http2Only = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = name, EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (http2Only)
        {
            // gRPC without TLS: HTTP/2 with prior knowledge, as Grpc.Net.Client speaks to an http:// address.
            builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        }

        // Logs: only the demo's own lines, with scopes, so the TraceId/SpanId every line carries shows.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.AddFilter((category, level) => category?.StartsWith("Tracing.Sdk.Demo", StringComparison.Ordinal) == true && level >= LogLevel.Information);

        // The one line. The rest is configuration that would normally live in appsettings.json.
        builder.Services.AddTracing(o =>
        {
            o.ServiceName = name;
            o.Exporters = exporters;
            o.Sources = sources;
            o.Batch.ScheduledDelayMilliseconds = 1000;

            // Span metrics: calls and durations per operation, counted before sampling, scraped at /metrics
            // (package Tracing.Sdk.Prometheus) and, with OTEL_EXPORTER_OTLP_ENDPOINT set, sent by OTLP too.
            o.Metrics.Enabled = true;
            o.Metrics.Exporters = exporters.Contains("otlp") ? ["prometheus", "otlp"] : ["prometheus"];
        });
        services?.Invoke(builder.Services);

        var app = builder.Build();
        map(app, name);
        await app.StartAsync();
        return new RunningService(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

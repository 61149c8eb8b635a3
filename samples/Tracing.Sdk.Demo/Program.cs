// Tracing.Sdk demo: three services in one process on 127.0.0.1 (front -HTTP-> orders -gRPC-> inventory),
// each with builder.Services.AddTracing(). A driver sends a few requests (one fails), the console
// exporter prints each trace as one waterfall, the logs carry the trace id, and the span metrics are
// scraped and printed at the end. No collector is needed; with OTEL_EXPORTER_OTLP_ENDPOINT set, the same
// traces and metrics also go there over OTLP.
using System.Diagnostics;
using Tracing.Sdk.Demo;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

var exporters = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
    ? new[] { "console" }
    : ["console", "otlp"];

await using var inventory = await DemoServices.StartInventoryAsync(exporters);
await using var orders = await DemoServices.StartOrdersAsync(exporters, inventory.Url);
await using var front = await DemoServices.StartFrontAsync(exporters, orders.Url);

Console.WriteLine($"front {front.Url}  -HTTP->  orders {orders.Url}  -gRPC->  inventory {inventory.Url}");
Console.WriteLine($"exporters: {string.Join(", ", exporters)}");
Console.WriteLine();

using var driver = new ActivitySource(DemoServices.DriverSource);
using var http = new HttpClient { BaseAddress = new Uri(front.Url) };
string[] requests = ["/checkout/book-42?quantity=1", "/checkout/lamp-7?quantity=2", "/checkout/out-of-stock?quantity=1"];
foreach (var path in requests)
{
    if (cancel.IsCancellationRequested)
    {
        break;
    }

    using (var activity = driver.StartActivity($"demo GET {path.Split('?')[0]}"))
    {
        try
        {
            using var response = await http.GetAsync(path, cancel.Token);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            Console.WriteLine($"GET {path} -> {(int)response.StatusCode} (trace {activity?.TraceId})");
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }

    // Give the console writer a moment so each waterfall prints below its request line.
    await Task.Delay(300, CancellationToken.None);
}

// Span metrics, as Prometheus scrapes them from the front service (OpenMetrics, so buckets show their
// exemplars: the trace a bucket's latest sampled request belongs to). Requests are counted whether or not
// their trace is sampled; here every one is.
Console.WriteLine();
Console.WriteLine($"span metrics: GET {front.Url}/metrics");
using (var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
{
    scrape.Headers.Accept.ParseAdd("application/openmetrics-text");
    using var response = await http.SendAsync(scrape, CancellationToken.None);
    var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
    foreach (var line in text.Split('\n'))
    {
        if (line.StartsWith("traces_span_metrics_calls_total{", StringComparison.Ordinal)
            || (line.StartsWith("traces_span_metrics_duration_milliseconds_bucket{", StringComparison.Ordinal) && line.Contains(" # {", StringComparison.Ordinal)))
        {
            Console.WriteLine("  " + line);
        }
    }
}

Console.WriteLine();
Console.WriteLine("done: stopping the services (spans are flushed on stop)");

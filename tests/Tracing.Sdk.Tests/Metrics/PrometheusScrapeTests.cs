using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>The Prometheus scrape endpoint (package Tracing.Sdk.Prometheus) on real Kestrel: connector-compatible series and exemplars.</summary>
[Collection(SamplingIsolation.Name)]
public sealed partial class PrometheusScrapeTests
{
    [Fact]
    public async Task Scrape_ShowsExactCallsAndExemplarsOfExportedTraces()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = "prom-" + Guid.NewGuid().ToString("N")[..8];
        var settings = TracingHost.OtlpSettings(receiver, service);
        settings["Tracing:Sampler:Type"] = "probabilistic";
        settings["Tracing:Sampler:Param"] = "0.1";
        settings["Tracing:Metrics:Enabled"] = "true";
        settings["Tracing:Metrics:Exporters:0"] = "prometheus";
        await using var app = await TracingHost.StartWebAsync(settings, SpanMetricsEndToEndTests.MapRoutes);

        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync($"/orders/{i}");
        }

        // Hosting counts a request when it ends it, just after the client has the response.
        await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_SERVER", 300);

        // Scraped twice: the second scrape would show the first if scrapes were counted (they are excluded paths).
        await ScrapeAsync(client);
        var text = await ScrapeAsync(client);

        var calls = Samples(text, "traces_span_metrics_calls_total").Where(s => s.Labels.Contains($"service_name=\"{service}\"", StringComparison.Ordinal) && s.Labels.Contains("span_kind=\"SPAN_KIND_SERVER\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(270, calls.Single(s => s.Labels.Contains("status_code=\"STATUS_CODE_UNSET\"", StringComparison.Ordinal)).Value);
        Assert.Equal(30, calls.Single(s => s.Labels.Contains("status_code=\"STATUS_CODE_ERROR\"", StringComparison.Ordinal)).Value);
        Assert.Contains("span_name=\"GET /orders/{id:int}\"", calls[0].Labels, StringComparison.Ordinal);
        Assert.Contains("traces_span_metrics_duration_milliseconds_bucket{", text, StringComparison.Ordinal);
        Assert.DoesNotContain(calls, s => s.Labels.Contains("span_name=\"GET\"", StringComparison.Ordinal));

        var exemplarTraces = ExemplarTraceIds().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(exemplarTraces);
        var exported = await receiver.WaitForSpansAsync(spans => exemplarTraces.All(t => spans.Any(s => s.TraceId == t)), TimeSpan.FromSeconds(20));
        Assert.All(exemplarTraces, t => Assert.Contains(exported, s => s.TraceId == t && s.Kind == System.Diagnostics.ActivityKind.Server));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/openmetrics-text"));
        using var scrape = await client.SendAsync(request);
        scrape.EnsureSuccessStatusCode();
        return await scrape.Content.ReadAsStringAsync();
    }

    private static IEnumerable<(string Labels, double Value)> Samples(string text, string metric) =>
        text.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal))
            .Select(line =>
            {
                // Label values may hold braces (a route's "{id:int}"): the label set ends at the last quote-brace.
                var close = line.IndexOf("\"} ", StringComparison.Ordinal) + 1;
                var value = line[(close + 2)..].Split(' ')[0];
                return (line[..(close + 1)], double.Parse(value, CultureInfo.InvariantCulture));
            });

    [GeneratedRegex("# \\{[^}]*trace_id=\"([0-9a-f]{32})\"")]
    private static partial Regex ExemplarTraceIds();
}

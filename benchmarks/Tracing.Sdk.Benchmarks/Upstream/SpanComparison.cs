using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.Upstream;

/// <summary>
/// Not a benchmark: makes the same request, HttpClient call and gRPC call once per variant of the
/// benchmarks (same hosts, same setup; a capturing processor where the export processor is) and prints
/// each span as the exporter would get it, side by side, as Markdown tables; also which span the
/// server's <c>traceparent</c> named. Run with <c>-- --spans</c>.
/// </summary>
internal static class SpanComparison
{
    private const string PathAndQuery = "/hello/42?token=secret&page=2";
    private const string UserAgent = "bench/1.0";
    private const string ServerActivityMark = "server activity: ";

    private static readonly (string Label, TracingVariant Variant)[] s_traced =
    [
        ("OpenTelemetry", TracingVariant.OpenTelemetry),
        ("AddTracing", TracingVariant.AddTracing),
        ("both", TracingVariant.AddTracingAndOpenTelemetry),
    ];

    public static async Task RunAsync(TextWriter output)
    {
        var aspNetCore = new List<Run>();
        foreach (var (label, variant) in s_traced)
        {
            aspNetCore.Add(await AspNetCoreAsync(label, variant));
        }

        Render(output, $"ASP.NET Core server span: `GET {PathAndQuery}`, `User-Agent: {UserAgent}`, no incoming context (OpenTelemetry = `Instrumentation.AspNetCore`)", aspNetCore);

        var http = new List<Run>();
        foreach (var (label, variant) in s_traced)
        {
            http.Add(await HttpClientAsync(label, variant));
        }

        Render(output, $"HttpClient client span: `GET {PathAndQuery}` under a span of the app's (OpenTelemetry = `Instrumentation.Http`)", http);

        var grpc = new List<Run>();
        foreach (var (label, variant) in s_traced)
        {
            grpc.Add(await GrpcAsync(label, variant, static t => t.AddGrpcClientInstrumentation()));
        }

        grpc.Add(await GrpcAsync(
            "OpenTelemetry, with Instrumentation.Http",
            TracingVariant.OpenTelemetry,
            static t => t.AddGrpcClientInstrumentation().AddHttpClientInstrumentation()));
        grpc.Add(await GrpcAsync(
            "both, SuppressDownstreamInstrumentation",
            TracingVariant.AddTracingAndOpenTelemetry,
            static t => t.AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)));
        Render(output, "gRPC client span: unary `bench.Echo/Unary` by Grpc.Net.Client under a span of the app's (OpenTelemetry = `Instrumentation.GrpcNetClient`; AddTracing = `GrpcTracing.CreateHandler()` on the channel)", grpc);
    }

    private static async Task<Run> AspNetCoreAsync(string label, TracingVariant variant)
    {
        var capture = new CapturingProcessor();
        var server = await BenchmarkHosts.StartServerAsync(variant, static t => t.AddAspNetCoreInstrumentation(), () => capture, HttpProtocols.Http1);
        var address = BenchmarkHosts.BaseAddress(server);
        using (var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }))
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            await client.GetStringAsync(new Uri(address, PathAndQuery));
        }

        await BenchmarkHosts.StopAsync(server);
        return new Run(label, capture.Spans, null, [], address.Port);
    }

    private static async Task<Run> HttpClientAsync(string label, TracingVariant variant)
    {
        var received = new ConcurrentQueue<string>();
        var capture = new CapturingProcessor();
        var server = await BenchmarkHosts.StartServerAsync(TracingVariant.None, static _ => { }, TracingSetup.DiscardingBatch, HttpProtocols.Http1, context => Record(context, received));
        var tracing = await BenchmarkHosts.StartTracingAsync(variant, static t => t.AddHttpClientInstrumentation(), () => capture);
        var address = BenchmarkHosts.BaseAddress(server);
        string? parentId;
        using (var source = new ActivitySource(TracingSetup.ParentSourceName))
        using (var client = new HttpClient())
        using (var parent = source.StartActivity("parent"))
        {
            parentId = parent?.SpanId.ToHexString();
            await client.GetStringAsync(new Uri(address, PathAndQuery));
        }

        await BenchmarkHosts.StopAsync(tracing);
        await BenchmarkHosts.StopAsync(server);
        return Run.Of(label, capture.Spans, parentId, received, address.Port);
    }

    private static async Task<Run> GrpcAsync(string label, TracingVariant variant, Action<TracerProviderBuilder> instrumentation)
    {
        var received = new ConcurrentQueue<string>();
        var capture = new CapturingProcessor();
        var server = await BenchmarkHosts.StartServerAsync(TracingVariant.None, static _ => { }, TracingSetup.DiscardingBatch, HttpProtocols.Http2, context => Record(context, received));
        var tracing = await BenchmarkHosts.StartTracingAsync(variant, instrumentation, () => capture);
        var address = BenchmarkHosts.BaseAddress(server);
        string? parentId;
        using (var source = new ActivitySource(TracingSetup.ParentSourceName))
        using (var channel = GrpcUnary.CreateChannel(address, variant is TracingVariant.AddTracing or TracingVariant.AddTracingAndOpenTelemetry))
        using (var parent = source.StartActivity("parent"))
        {
            parentId = parent?.SpanId.ToHexString();
            await GrpcUnary.CallAsync(channel.CreateCallInvoker());
        }

        await BenchmarkHosts.StopAsync(tracing);
        await BenchmarkHosts.StopAsync(server);
        return Run.Of(label, capture.Spans, parentId, received, address.Port);
    }

    private static void Record(HttpContext context, ConcurrentQueue<string> received)
    {
        foreach (var value in context.Request.Headers["traceparent"])
        {
            received.Enqueue(value ?? string.Empty);
        }

        // The untraced server: hosting makes an Activity only when someone listens (or logs).
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        received.Enqueue(ServerActivityMark + (activity is null ? "none" : activity.Recorded ? "recorded" : "not recorded"));
    }

    private static void Render(TextWriter output, string title, IReadOnlyList<Run> runs)
    {
        var columns = runs.SelectMany(run => run.Spans.Select((span, i) => (Run: run, Span: span, Title: run.Spans.Count > 1 ? $"{run.Label} ({i + 1}/{run.Spans.Count})" : run.Label))).ToList();
        var client = runs.Any(static r => r.ParentId is not null);

        output.WriteLine();
        output.WriteLine($"#### {title}");
        output.WriteLine();
        output.WriteLine("| | " + string.Join(" | ", columns.Select(static c => c.Title)) + " |");
        output.WriteLine("|---|" + string.Concat(columns.Select(static _ => "---|")));
        Row(output, "spans per call", columns.Select(static c => c.Run.Spans.Count.ToString(CultureInfo.InvariantCulture)));
        Row(output, "name", columns.Select(static c => c.Span.Name));
        Row(output, "kind", columns.Select(static c => c.Span.Kind.ToString()));
        Row(output, "scope", columns.Select(static c => c.Span.Scope));
        Row(output, "status", columns.Select(static c => c.Span.Status));
        Row(output, "parent", columns.Select(static c => c.Run.Describe(c.Span.ParentSpanId)));
        if (client)
        {
            Row(output, "server's `traceparent` names", columns.Select(static c => c.Run.ServerParents()));
            Row(output, "untraced server's hosting Activity", columns.Select(static c => c.Run.ServerActivity));
        }

        Row(output, "events", columns.Select(static c => c.Span.Events.Count == 0 ? "—" : string.Join(", ", c.Span.Events)));
        foreach (var key in columns.SelectMany(static c => c.Span.Attributes.Select(static a => a.Key)).Distinct().Order(StringComparer.Ordinal))
        {
            Row(output, $"`{key}`", columns.Select(c =>
            {
                var values = c.Span.Attributes.Where(a => a.Key == key).Select(a => c.Run.Normalize(a.Value)).ToList();
                return values.Count == 0 ? "—" : string.Join(" / ", values);
            }));
        }
    }

    private static void Row(TextWriter output, string header, IEnumerable<string> cells) =>
        output.WriteLine($"| {header} | " + string.Join(" | ", cells.Select(static c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");

    /// <summary>One variant's spans for one call (the benchmark's parent span left out).</summary>
    private sealed record Run(string Label, IReadOnlyList<SpanSnapshot> Spans, string? ParentId, IReadOnlyList<string> ReceivedTraceparents, int Port, string ServerActivity = "")
    {
        /// <summary>A client call's run: the benchmark's parent span left out, the server's notes split from its traceparents.</summary>
        public static Run Of(string label, IEnumerable<SpanSnapshot> spans, string? parentId, IEnumerable<string> received, int port) => new(
            label,
            [.. spans.Where(s => s.SpanId != parentId)],
            parentId,
            [.. received.Where(static r => !r.StartsWith(ServerActivityMark, StringComparison.Ordinal))],
            port,
            string.Join(", ", received.Where(static r => r.StartsWith(ServerActivityMark, StringComparison.Ordinal)).Select(static r => r[ServerActivityMark.Length..])));

        public string Describe(string spanId)
        {
            if (spanId.Length == 0)
            {
                return "none (root)";
            }

            if (spanId == ParentId)
            {
                return "the app's span";
            }

            var span = Spans.FirstOrDefault(s => s.SpanId == spanId);
            return span is null ? "**a span nobody exported**" : $"`{span.Name}` ({span.Scope})";
        }

        public string ServerParents()
        {
            if (ReceivedTraceparents.Count == 0)
            {
                return "no `traceparent`";
            }

            var builder = new StringBuilder();
            foreach (var value in ReceivedTraceparents)
            {
                var parts = value.Split('-');
                builder.Append(builder.Length == 0 ? string.Empty : "; ").Append(parts.Length == 4 ? Describe(parts[2]) : $"malformed `{value}`");
            }

            return ReceivedTraceparents.Count == 1 ? builder.ToString() : $"{ReceivedTraceparents.Count} headers: {builder}";
        }

        /// <summary>The ephemeral port differs from run to run; shown as <c>{port}</c>.</summary>
        public string Normalize(string value) => value.Replace(Port.ToString(CultureInfo.InvariantCulture), "{port}", StringComparison.Ordinal);
    }
}

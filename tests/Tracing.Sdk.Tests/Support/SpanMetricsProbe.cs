using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Tests.Support;

/// <summary>Reads a host's span metrics series as counted so far (the recorder's own view, before any export).</summary>
public sealed class SpanMetricsProbe(WebApplication app)
{
    internal SpanMetricsRecorder Recorder => app.Services.GetRequiredService<SpanMetricsRuntime>().Recorder
        ?? throw new InvalidOperationException("Span metrics are off in this host.");

    /// <summary>Calls per series, keyed "kind|name|status|code".</summary>
    public Dictionary<string, long> Calls() => Recorder.Snapshot().ToDictionary(
        static s => string.Join("|", s.Tags.Where(static t => t.Key == "span.kind")
            .Concat(s.Tags.Where(static t => t.Key is not ("span.kind" or "service.name")))
            .Select(static t => t.Value?.ToString())),
        static s => s.Calls);

    /// <summary>
    /// Waits until the recorder has counted <paramref name="total"/> spans of the given kind (hosting counts a
    /// request when it ends it, just after the client has the response), at most <paramref name="timeout"/>.
    /// </summary>
    public async Task<Dictionary<string, long>> WaitForAsync(string kind, long total, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var calls = Calls();
            if (calls.Where(c => c.Key.Contains(kind, StringComparison.Ordinal)).Sum(static c => c.Value) >= total || DateTime.UtcNow >= deadline)
            {
                return calls;
            }

            await Task.Delay(10);
        }
    }
}

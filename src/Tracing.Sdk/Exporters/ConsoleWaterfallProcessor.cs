using System.Diagnostics;
using OpenTelemetry;

namespace Tracing.Sdk.Exporters;

/// <summary>The <c>console</c> exporter: feeds a <see cref="WaterfallCollector"/> that prints each trace as a waterfall.</summary>
internal sealed class ConsoleWaterfallProcessor(WaterfallCollector collector, string serviceName, Action<WaterfallCollector>? release = null)
    : BaseProcessor<Activity>
{
    public override void OnStart(Activity data) => collector.Started(data);

    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
        {
            collector.Ended(data, serviceName);
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) =>
        collector.Flush(timeoutMilliseconds < 0 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(timeoutMilliseconds));

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var flushed = OnForceFlush(timeoutMilliseconds);
        release?.Invoke(collector);
        return flushed;
    }
}

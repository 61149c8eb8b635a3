using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// The <c>console</c> exporter: feeds a <see cref="WaterfallCollector"/> that prints each trace as a
/// waterfall. What it does on the application's thread is to post the start or end (no lock, no
/// formatting); whatever goes wrong is contained here and never reaches <c>Activity.Start</c>/<c>Stop</c>.
/// </summary>
internal sealed class ConsoleWaterfallProcessor(WaterfallCollector collector, string serviceName, Action<WaterfallCollector>? release = null)
    : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        try
        {
            collector.Started(data);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ConsoleWaterfallProcessor), ex.Message);
        }
    }

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded)
        {
            return;
        }

        try
        {
            collector.Ended(data, serviceName);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ConsoleWaterfallProcessor), ex.Message);
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

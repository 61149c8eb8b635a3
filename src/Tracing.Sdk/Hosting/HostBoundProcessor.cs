using System.Diagnostics;
using OpenTelemetry;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Runs its processors only for the spans that <see cref="HostSpanFilter"/> says are this host's.
/// A <see cref="CompositeProcessor{T}"/> so that the provider still reaches the processors and
/// exporters inside it (they read the resource from it).
/// </summary>
internal sealed class HostBoundProcessor(HostSpanFilter filter, IEnumerable<BaseProcessor<Activity>> processors)
    : CompositeProcessor<Activity>(processors)
{
    public override void OnStart(Activity data)
    {
        if (filter.Owns(data))
        {
            base.OnStart(data);
        }
    }

    public override void OnEnd(Activity data)
    {
        if (filter.Owns(data))
        {
            base.OnEnd(data);
        }
    }
}

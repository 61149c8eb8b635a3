using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Runs its processors only for the spans that <see cref="HostSpanFilter"/> says are this host's.
/// A <see cref="CompositeProcessor{T}"/> so that the provider still reaches the processors and
/// exporters inside it (they read the resource from it).
/// <para>
/// The SDK's first processor is one of these (the SDK adds its processors ahead of the app's), and
/// OpenTelemetry adds every later processor into the first one when that is a composite; so it is also
/// where a span the SDK's sampler kept gets the policy's <c>sampler.type</c>/<c>sampler.param</c>
/// (<see cref="SamplerTagHandOff"/>), whoever owns the span, before any other processor sees it.
/// </para>
/// </summary>
internal sealed class HostBoundProcessor(HostSpanFilter filter, IEnumerable<BaseProcessor<Activity>> processors)
    : CompositeProcessor<Activity>(processors)
{
    public override void OnStart(Activity data)
    {
        SamplerTagHandOff.Apply(data);
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

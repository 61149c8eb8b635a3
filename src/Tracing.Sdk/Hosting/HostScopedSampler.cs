using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Keeps a host's sampler out of other hosts' spans. .NET asks every listener of a source to sample
/// each Activity and keeps it if any says yes, so without this a host's policy would be spent on (and
/// could force) the requests of another host in the same process, including a web server without
/// tracing (an admin endpoint, a test collector). A span is left alone (<see cref="SamplingDecision.Drop"/>
/// from this host; its owner decides) when it is definitely someone else's: another host's request,
/// a span under another host's request, or an HttpClient call under no request when this is not the
/// first host. Anything else goes to the policy, whose <c>sampler.type</c>/<c>sampler.param</c> reach the
/// span through <see cref="SamplerTagHandOff"/>.
/// </summary>
internal sealed class HostScopedSampler(Sampler inner, HostSpanFilter filter) : Sampler
{
    private static readonly SamplingResult s_notMine = new(SamplingDecision.Drop);

    public Sampler Inner => inner;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        HostSpanFilter.LiveHosts > 1 && filter.IsForeign(samplingParameters)
            ? s_notMine
            : SamplerTagHandOff.Hold(samplingParameters, inner.ShouldSample(samplingParameters));
}

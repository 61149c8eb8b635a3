using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// What DI hands out as the <see cref="TracerProvider"/> when <c>Tracing:Enabled</c> is false (or
/// <c>OTEL_SDK_DISABLED=true</c>): a provider with no listener, sampler, processor or exporter, so that
/// code resolving one keeps working and nothing is recorded.
/// </summary>
internal sealed class DisabledTracerProvider : TracerProvider
{
}

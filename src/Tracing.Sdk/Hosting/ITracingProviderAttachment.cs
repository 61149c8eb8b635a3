using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// A part an area adds to the app's <see cref="TracerProvider"/> once it is built: what must come after
/// every processor the app and its libraries configured (the export processors), or live exactly as
/// long as the provider (a process-wide propagator installation). Registered in DI by the area itself;
/// Hosting runs them in registration order and knows none of them.
/// </summary>
internal interface ITracingProviderAttachment
{
    /// <summary>Attaches to <paramref name="provider"/>; anything to release at stop goes to <paramref name="start"/>.</summary>
    void Attach(TracerProvider provider, TracingStart start);
}

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Marks, on the building thread, that the tracer provider of a given service container is being
/// built. OpenTelemetry builds the provider synchronously, running every configuration callback and
/// processor factory on that thread, so whatever they create while the mark is set belongs to traces
/// (the OTLP exporter options an app's <c>AddOtlpExporter()</c> creates, for example).
/// </summary>
internal static class TracerProviderBuildScope
{
    [ThreadStatic]
    private static IServiceProvider? t_building;

    /// <summary>Whether the tracer provider of <paramref name="services"/> is being built on this thread.</summary>
    public static bool IsBuilding(IServiceProvider services) => ReferenceEquals(t_building, services);

    public static Scope Enter(IServiceProvider services)
    {
        var previous = t_building;
        t_building = services;
        return new Scope(previous);
    }

    public readonly struct Scope(IServiceProvider? previous) : IDisposable
    {
        public void Dispose() => t_building = previous;
    }
}

using System.Diagnostics.Tracing;

namespace Tracing.Sdk.Diagnostics;

/// <summary>
/// Deep troubleshooting events (<c>dotnet-trace collect --providers Tracing-Sdk</c>). Event ids are
/// stable; add new events with new ids.
/// </summary>
[EventSource(Name = "Tracing-Sdk")]
internal sealed class TracingEventSource : EventSource
{
    public static readonly TracingEventSource Log = new();

    [Event(1, Level = EventLevel.Informational, Message = "Tracer provider started for service '{0}' with exporters '{1}'.")]
    public void ProviderStarted(string serviceName, string exporters) => WriteEvent(1, serviceName, exporters);

    [Event(2, Level = EventLevel.Informational, Message = "Tracer provider for service '{0}' stopped; flushed: {1}.")]
    public void ProviderStopped(string serviceName, bool flushed) => WriteEvent(2, serviceName, flushed);

    [Event(3, Level = EventLevel.Warning, Message = "Exporter '{0}' failed: {1}")]
    public void ExportFailed(string exporter, string error) => WriteEvent(3, exporter, error);

    [Event(4, Level = EventLevel.Verbose, Message = "Ignored a malformed '{0}' context header.")]
    public void InvalidContext(string format) => WriteEvent(4, format);

    [Event(5, Level = EventLevel.Error, Message = "Tracing component '{0}' threw and was contained: {1}")]
    public void ComponentFailed(string component, string error) => WriteEvent(5, component, error);

    [Event(6, Level = EventLevel.Verbose, Message = "Left out an incoming '{0}' baggage entry: {1}.")]
    public void BaggageDropped(string format, string reason) => WriteEvent(6, format, reason);
}

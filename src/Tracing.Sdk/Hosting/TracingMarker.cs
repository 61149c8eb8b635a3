namespace Tracing.Sdk.Hosting;

/// <summary>Registered once by <c>AddTracing</c>, so that a second call can tell.</summary>
internal sealed class TracingMarker;

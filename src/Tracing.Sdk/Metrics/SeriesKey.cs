using System.Diagnostics;

namespace Tracing.Sdk.Metrics;

/// <summary>What tells two series apart: the dimension values (service.name is the host's, the same for all).</summary>
internal readonly record struct SeriesKey(string Name, ActivityKind Kind, ActivityStatusCode Status, int HttpStatusCode, int GrpcStatusCode);

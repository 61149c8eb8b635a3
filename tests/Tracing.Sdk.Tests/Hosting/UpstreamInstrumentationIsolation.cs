namespace Tracing.Sdk.Tests.Hosting;

/// <summary>
/// Tests that add OpenTelemetry's own instrumentation packages run alone: those subscribe to every
/// host's ASP.NET Core diagnostics and to every HttpClient call in the process (and rewrite the trace
/// headers of calls they see), so a parallel test's requests would be tagged and re-parented by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UpstreamInstrumentationIsolation
{
    public const string Name = "OpenTelemetry instrumentation packages (not parallel)";
}

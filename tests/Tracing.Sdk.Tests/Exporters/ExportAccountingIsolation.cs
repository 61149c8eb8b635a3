namespace Tracing.Sdk.Tests.Exporters;

/// <summary>
/// Tests that assert exact export totals (received = exported + dropped + queued + in flight) run alone:
/// with a single tracing host live in the process, every span in the process is that host's (see
/// HostSpanFilter), so another test's HttpClient call running in parallel would be counted too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExportAccountingIsolation
{
    public const string Name = "Export accounting isolation";
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Perfolizer.Metrology;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>Reports sizes in bytes: per-request differences of a few dozen bytes are the point of the upstream comparison.</summary>
public class AllocatedBytesConfig : ManualConfig
{
    public AllocatedBytesConfig() => SummaryStyle = SummaryStyle.Default.WithSizeUnit(SizeUnit.B);
}

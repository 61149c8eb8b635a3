namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>How a benchmark's process is traced, in the upstream comparison.</summary>
internal enum TracingVariant
{
    /// <summary>No tracing at all: the baseline.</summary>
    None,

    /// <summary><c>AddOpenTelemetry().WithTracing(...)</c> with OpenTelemetry's instrumentation package under test.</summary>
    OpenTelemetry,

    /// <summary><c>AddTracing()</c> alone.</summary>
    AddTracing,

    /// <summary><c>AddTracing()</c>, then <c>AddOpenTelemetry().WithTracing(...)</c> with the same instrumentation package: one provider, both.</summary>
    AddTracingAndOpenTelemetry,
}

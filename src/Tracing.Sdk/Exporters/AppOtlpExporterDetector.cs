using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// Tells whether the app exports traces by OTLP itself, through OpenTelemetry's own exporter on the same
/// provider, so that the SDK's OTLP exporter can stand aside instead of sending every span twice:
/// <list type="bullet">
/// <item><c>AddOpenTelemetry().UseOtlpExporter()</c> (all signals; what Aspire's service defaults call):
/// it registers a marker service, seen in the service collection.</item>
/// <item><c>WithTracing(b =&gt; b.AddOtlpExporter(...))</c>: the exporter's options are created through
/// the options factory while the tracer provider is built, which this hears as an
/// <see cref="IConfigureNamedOptions{TOptions}"/> (options made for a metrics or logs exporter are made
/// when those providers are built, outside that window).</item>
/// </list>
/// </summary>
internal sealed class AppOtlpExporterDetector(IServiceProvider services, IServiceCollection registrations) : IConfigureNamedOptions<OtlpExporterOptions>
{
    /// <summary>Full name of the marker <c>UseOtlpExporter()</c> registers (a type internal to OpenTelemetry's OTLP exporter).</summary>
    public const string UseOtlpExporterMarker = "OpenTelemetry.Exporter.UseOtlpExporterRegistration";

    private int _tracingOptionsCreated;

    /// <summary>How the app exports traces by OTLP itself, or <see langword="null"/> when it does not.</summary>
    public string? AppExporter =>
        registrations.Any(static d => d.ServiceType.FullName == UseOtlpExporterMarker) ? "UseOtlpExporter()"
        : Volatile.Read(ref _tracingOptionsCreated) > 0 ? "AddOtlpExporter() on the tracer provider"
        : null;

    public void Configure(string? name, OtlpExporterOptions options)
    {
        if (TracerProviderBuildScope.IsBuilding(services))
        {
            Interlocked.Increment(ref _tracingOptionsCreated);
        }
    }

    public void Configure(OtlpExporterOptions options) => Configure(Options.DefaultName, options);
}

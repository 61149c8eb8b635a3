using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// The resource of the app's providers — traces, and metrics and logs configured on the same
/// OpenTelemetry builder: service identity from <see cref="TracingOptions"/>, host, process and SDK,
/// merged with the configured attributes (resource semantic conventions: service, host, process,
/// deployment, telemetry). Added as a detector after OpenTelemetry's defaults, so it wins over
/// <c>unknown_service</c> and over the <c>OTEL_*</c> variables it already folded in.
/// </summary>
internal sealed class TracingResourceDetector(TracingOptions options, IHostEnvironment? environment) : IResourceDetector
{
    public const string DistroName = "Tracing.Sdk";

    public Resource Detect()
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["host.name"] = ProcessIdentity.HostName,
            ["process.pid"] = (long)ProcessIdentity.ProcessId,
            ["telemetry.distro.name"] = DistroName,
            ["telemetry.distro.version"] = ProcessIdentity.SdkVersion,
        };
        if (environment is not null)
        {
            attributes["deployment.environment.name"] = environment.EnvironmentName;
        }

        // Configured attributes override detected ones; service.name/version come from their own options.
        foreach (var (key, value) in options.ResourceAttributes)
        {
            if (key is not ("service.name" or "service.version"))
            {
                attributes[key] = value;
            }
        }

        var serviceInstanceId = options.ResourceAttributes.TryGetValue("service.instance.id", out var configuredId)
            ? configuredId
            : ProcessIdentity.InstanceId;
        attributes.Remove("service.instance.id");

        return ResourceBuilder.CreateEmpty()
            .AddService(
                serviceName: options.ServiceName!,
                serviceVersion: options.ServiceVersion,
                autoGenerateServiceInstanceId: false,
                serviceInstanceId: serviceInstanceId)
            .AddTelemetrySdk()
            .AddAttributes(attributes)
            .Build();
    }
}

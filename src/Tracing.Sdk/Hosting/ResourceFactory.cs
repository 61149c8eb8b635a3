using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// The resource every span of this host carries: service identity, host, process and SDK, merged
/// with the configured attributes (resource semantic conventions: service, host, process, deployment, telemetry).
/// </summary>
internal static class ResourceFactory
{
    public const string DistroName = "Tracing.Sdk";

    public static ResourceBuilder Create(TracingOptions options, IHostEnvironment? environment)
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
            .AddAttributes(attributes);
    }
}

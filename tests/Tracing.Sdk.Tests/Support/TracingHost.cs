using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Tests.Support;

/// <summary>Builds real Kestrel apps on 127.0.0.1 with AddTracing, for end-to-end tests.</summary>
public static class TracingHost
{
    /// <summary>
    /// Starts a web app on a free loopback port. <paramref name="settings"/> become configuration
    /// (e.g. <c>Tracing:ServiceName</c>); OTEL_* variables come only from <paramref name="environment"/>.
    /// </summary>
    public static async Task<WebApplication> StartWebAsync(
        IDictionary<string, string?> settings,
        Action<WebApplication>? map = null,
        Action<WebApplicationBuilder>? configure = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment(environment);
        configure?.Invoke(builder);

        var app = builder.Build();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>Settings that send spans to <paramref name="receiver"/> with a short batch delay.</summary>
    public static Dictionary<string, string?> OtlpSettings(Otlp.OtlpReceiver receiver, string serviceName, string protocol = "grpc") => new()
    {
        ["Tracing:ServiceName"] = serviceName,
        ["Tracing:Exporters:0"] = "otlp",
        ["Tracing:Otlp:Protocol"] = protocol,
        ["Tracing:Otlp:Endpoint"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
        ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
    };

    public static string BaseAddress(this WebApplication app) => app.Urls.First();
}

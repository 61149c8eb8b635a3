using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary><c>Tracing:Enabled=false</c> leaves a web app as it was without AddTracing.</summary>
[Collection(Tracing.Sdk.Tests.Propagation.GlobalPropagationState.Name)] // reads DistributedContextPropagator.Current, which running hosts set
public sealed class DisabledTests
{
    [Theory]
    [InlineData("config")]
    [InlineData("env")]
    public async Task DisabledWebApp_HasNoProviderNoPropagatorRewiringNoLogScopes_AndLeavesRequestsAlone(string how)
    {
        var settings = new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "none" };
        var environment = new Dictionary<string, string>();
        if (how == "config")
        {
            settings["Tracing:Enabled"] = "false";
        }
        else
        {
            environment["OTEL_SDK_DISABLED"] = "true";
        }

        (bool HasActivity, bool Described) seen = default;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);

        // What hosting registered before AddTracing (DistributedContextPropagator.Current at that moment).
        var hostingDefault = builder.Services.Last(d => d.ServiceType == typeof(DistributedContextPropagator)).ImplementationInstance;
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment(environment);
        await using var app = builder.Build();
        app.MapGet("/orders", (HttpContext context) =>
        {
            var hosting = context.Features.Get<IHttpActivityFeature>()?.Activity;

            // (Tags say nothing: OpenTelemetry's ASP.NET Core instrumentation in a parallel test's host
            // hears every host's diagnostics in the process.) The SDK's request state would be here.
            seen = (hosting is not null, context.Features.Get<IEndpointFeature>()?.GetType().Namespace == "Tracing.Sdk.AspNetCore");
            return "ok";
        });
        await app.StartAsync();

        Assert.IsType<DisabledTracerProvider>(app.Services.GetRequiredService<TracerProvider>());
        Assert.Null(app.Services.GetRequiredService<TracingProviderState>().Provider);

        var propagator = app.Services.GetRequiredService<DistributedContextPropagator>();
        Assert.NotNull(hostingDefault);
        Assert.Same(hostingDefault, propagator);

        using (var client = new HttpClient())
        {
            Assert.Equal("ok", await client.GetStringAsync(app.BaseAddress() + "/orders"));
        }

        Assert.False(seen.Described);
    }

    [Theory]
    [InlineData(false, ActivityTrackingOptions.None)]
    [InlineData(true, ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId)]
    public void LogScopes_AreTurnedOnOnlyWhenTracingIs(bool enabled, ActivityTrackingOptions expected)
    {
        // A bare collection: nothing but AddTracing could turn activity tracking on (hosts do by default).
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddTracing(o => o.Enabled = enabled);
        services.UseOtelEnvironment();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(expected, provider.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions);
    }
}

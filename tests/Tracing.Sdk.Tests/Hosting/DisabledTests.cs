using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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

        var runtimeDefault = DistributedContextPropagator.Current;
        (bool HasActivity, bool Described) seen = default;
        await using var app = await TracingHost.StartWebAsync(
            settings,
            map: app => app.MapGet("/orders", (HttpContext context) =>
            {
                var hosting = context.Features.Get<IHttpActivityFeature>()?.Activity;
                seen = (hosting is not null, hosting?.GetTagItem("http.request.method") is not null || context.Features.Get<IEndpointFeature>()?.GetType().Namespace == "Tracing.Sdk.AspNetCore");
                return "ok";
            }),
            environment: environment);

        Assert.IsType<DisabledTracerProvider>(app.Services.GetRequiredService<TracerProvider>());
        Assert.Null(app.Services.GetRequiredService<TracingProviderState>().Provider);

        var propagator = app.Services.GetRequiredService<DistributedContextPropagator>();
        Assert.Equal(typeof(DistributedContextPropagator).Assembly, propagator.GetType().Assembly);
        Assert.NotSame(app.Services.GetRequiredService<TracingPropagators>().DistributedPropagator, DistributedContextPropagator.Current);

        using (var client = new HttpClient())
        {
            Assert.Equal("ok", await client.GetStringAsync(app.BaseAddress() + "/orders"));
        }

        Assert.False(seen.Described);
        Assert.Same(runtimeDefault.GetType(), DistributedContextPropagator.Current.GetType());
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

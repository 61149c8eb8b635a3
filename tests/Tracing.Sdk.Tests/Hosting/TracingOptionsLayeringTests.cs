using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>Each key at each level: default, OTEL_* variable, Tracing section, code; higher levels win.</summary>
public sealed class TracingOptionsLayeringTests
{
    [Fact]
    public void Defaults_AreThoseDocumented()
    {
        var options = OptionsHarness.Resolve();

        Assert.True(options.Enabled);
        Assert.Equal("const", options.Sampler.Type);
        Assert.Equal(1, options.Sampler.Param);
        Assert.True(options.Sampler.ParentBased);
        Assert.Equal(["tracecontext", "baggage"], options.Propagators);
        Assert.Equal(["otlp"], options.Exporters);
        Assert.Equal("grpc", options.Otlp.Protocol);
        Assert.Null(options.Otlp.Endpoint);
        Assert.Equal(10000, options.Otlp.TimeoutMilliseconds);
        Assert.Equal(2048, options.Batch.MaxQueueSize);
        Assert.Equal(512, options.Batch.MaxExportBatchSize);
        Assert.Equal(5000, options.Batch.ScheduledDelayMilliseconds);
        Assert.Equal(30000, options.Batch.ExportTimeoutMilliseconds);
        Assert.Equal(["/health", "/healthz", "/alive", "/metrics"], options.AspNetCore.ExcludePaths);
        Assert.Equal("continue", options.AspNetCore.IncomingContext);
        Assert.Empty(options.Sources);
        Assert.Equal(new Uri("http://localhost:4317"), OtlpExporterFactory.ResolveEndpoint(options.Otlp));
    }

    [Fact]
    public void ServiceName_DefaultsToEntryAssemblyName()
    {
        var options = OptionsHarness.Resolve();

        Assert.Equal(System.Reflection.Assembly.GetEntryAssembly()!.GetName().Name, options.ServiceName);
    }

    [Fact]
    public void ServiceName_PrecedenceIsCodeThenSectionThenEnvironment()
    {
        var env = new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "from-env" };
        var section = new Dictionary<string, string?> { ["Tracing:ServiceName"] = "from-section" };

        Assert.Equal("from-env", OptionsHarness.Resolve(environment: env).ServiceName);
        Assert.Equal("from-section", OptionsHarness.Resolve(section, env).ServiceName);
        Assert.Equal("from-code", OptionsHarness.Resolve(section, env, o => o.ServiceName = "from-code").ServiceName);
    }

    [Fact]
    public void ServiceName_FallsBackToServiceNameResourceAttribute()
    {
        var env = new Dictionary<string, string> { ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=attr-name,team=checkout" };

        Assert.Equal("attr-name", OptionsHarness.Resolve(environment: env).ServiceName);
    }

    [Fact]
    public void ResourceAttributes_SectionMergesOverEnvironment_AndValuesArePercentDecoded()
    {
        var env = new Dictionary<string, string> { ["OTEL_RESOURCE_ATTRIBUTES"] = "team=payments,region=eu%2Dwest%201" };
        var section = new Dictionary<string, string?> { ["Tracing:ResourceAttributes:team"] = "checkout" };

        var options = OptionsHarness.Resolve(section, env);

        Assert.Equal("checkout", options.ResourceAttributes["team"]);
        Assert.Equal("eu-west 1", options.ResourceAttributes["region"]);
    }

    [Theory]
    [InlineData("true", false)]
    [InlineData("TRUE", false)]
    [InlineData("false", true)]
    [InlineData("yes", true)] // only "true" disables, per the specification
    public void Enabled_FollowsOtelSdkDisabled(string value, bool enabled)
    {
        var env = new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = value };

        Assert.Equal(enabled, OptionsHarness.Resolve(environment: env).Enabled);
    }

    [Fact]
    public void Enabled_SectionOverridesEnvironment_CodeOverridesSection()
    {
        var env = new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" };
        var section = new Dictionary<string, string?> { ["Tracing:Enabled"] = "true" };

        Assert.True(OptionsHarness.Resolve(section, env).Enabled);
        Assert.False(OptionsHarness.Resolve(section, env, o => o.Enabled = false).Enabled);
    }

    [Theory]
    [InlineData("always_on", "const", 1, false)]
    [InlineData("always_off", "const", 0, false)]
    [InlineData("parentbased_always_on", "const", 1, true)]
    [InlineData("parentbased_always_off", "const", 0, true)]
    public void Sampler_MapsFromOtelTracesSampler(string sampler, string type, double param, bool parentBased)
    {
        var env = new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = sampler };

        var options = OptionsHarness.Resolve(environment: env);

        Assert.Equal(type, options.Sampler.Type);
        Assert.Equal(param, options.Sampler.Param);
        Assert.Equal(parentBased, options.Sampler.ParentBased);
    }

    [Fact]
    public void Sampler_SectionOverridesEnvironment_CodeOverridesSection()
    {
        var env = new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "always_off" };
        var section = new Dictionary<string, string?> { ["Tracing:Sampler:Param"] = "1" };

        var fromSection = OptionsHarness.Resolve(section, env);
        Assert.Equal(1, fromSection.Sampler.Param);
        Assert.False(fromSection.Sampler.ParentBased); // not named by the section: the env layer's value stays

        var fromCode = OptionsHarness.Resolve(section, env, o => o.Sampler.ParentBased = true);
        Assert.True(fromCode.Sampler.ParentBased);
    }

    [Fact]
    public void Propagators_SectionListReplacesEnvironmentList()
    {
        var env = new Dictionary<string, string> { ["OTEL_PROPAGATORS"] = "baggage, TraceContext" };
        var section = new Dictionary<string, string?> { ["Tracing:Propagators:0"] = "tracecontext" };

        Assert.Equal(["baggage", "tracecontext"], OptionsHarness.Resolve(environment: env).Propagators);
        Assert.Equal(["tracecontext"], OptionsHarness.Resolve(section, env).Propagators);
        Assert.Equal(["baggage"], OptionsHarness.Resolve(section, env, o => o.Propagators = ["baggage"]).Propagators);
    }

    [Fact]
    public void Exporters_DefaultAddsConsoleInDevelopment_EnvironmentAndSectionReplace()
    {
        Assert.Equal(["otlp", "console"], OptionsHarness.Resolve(environmentName: "Development").Exporters);

        var env = new Dictionary<string, string> { ["OTEL_TRACES_EXPORTER"] = "console" };
        Assert.Equal(["console"], OptionsHarness.Resolve(environment: env, environmentName: "Development").Exporters);

        var section = new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "none" };
        Assert.Equal(["none"], OptionsHarness.Resolve(section, env).Exporters);
    }

    [Fact]
    public void Otlp_ReadsEveryOtelExporterOtlpVariable()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=secret,tenant=a%20b",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2500",
        };

        var otlp = OptionsHarness.Resolve(environment: env).Otlp;

        Assert.Equal("http/protobuf", otlp.Protocol);
        Assert.Equal("api-key=secret,tenant=a%20b", otlp.Headers);
        Assert.Equal(2500, otlp.TimeoutMilliseconds);
        Assert.Equal(new Uri("http://collector:4318/v1/traces"), OtlpExporterFactory.ResolveEndpoint(otlp));
    }

    [Fact]
    public void Otlp_SignalSpecificVariablesWin_AndTracesEndpointIsUsedAsIs()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://generic:4318",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces:9999/custom/path",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "a=1",
            ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "b=2",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000",
            ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] = "2000",
        };

        var otlp = OptionsHarness.Resolve(environment: env).Otlp;

        Assert.Equal("http/protobuf", otlp.Protocol);
        Assert.Equal("b=2", otlp.Headers);
        Assert.Equal(2000, otlp.TimeoutMilliseconds);
        Assert.Equal(new Uri("http://traces:9999/custom/path"), OtlpExporterFactory.ResolveEndpoint(otlp));
    }

    [Fact]
    public void Otlp_SectionEndpointIsABaseUrl_EvenWhenTheTracesVariableIsSet()
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces:9999/custom" };
        var section = new Dictionary<string, string?>
        {
            ["Tracing:Otlp:Endpoint"] = "http://section:4318/",
            ["Tracing:Otlp:Protocol"] = "http/protobuf",
        };

        var otlp = OptionsHarness.Resolve(section, env).Otlp;

        Assert.Equal(new Uri("http://section:4318/v1/traces"), OtlpExporterFactory.ResolveEndpoint(otlp));
        Assert.Equal(new Uri("http://code:4317"), OtlpExporterFactory.ResolveEndpoint(
            OptionsHarness.Resolve(section, env, o => { o.Otlp.Endpoint = "http://code:4317"; o.Otlp.Protocol = "grpc"; }).Otlp));
    }

    [Fact]
    public void Batch_ReadsOtelBspVariables_SectionOverrides()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "4096",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "256",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_EXPORT_TIMEOUT"] = "3000",
        };
        var section = new Dictionary<string, string?> { ["Tracing:Batch:MaxQueueSize"] = "8192" };

        var batch = OptionsHarness.Resolve(section, env).Batch;

        Assert.Equal(8192, batch.MaxQueueSize);
        Assert.Equal(256, batch.MaxExportBatchSize);
        Assert.Equal(1000, batch.ScheduledDelayMilliseconds);
        Assert.Equal(3000, batch.ExportTimeoutMilliseconds);
    }

    [Fact]
    public void ExplicitSection_IsBoundInsteadOfTheTracingSection()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracing:ServiceName"] = "default-section",
                ["Custom:ServiceName"] = "custom-section",
            })
            .Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddTracing(configuration.GetSection("Custom"));
        services.UseOtelEnvironment();

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TracingOptions>>().Value;

        Assert.Equal("custom-section", options.ServiceName);
    }
}

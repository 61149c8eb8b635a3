using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, as the OpenTelemetry SDK environment variable specification defines them, plus this SDK's names.</summary>
public sealed class SamplerEnvironmentTests
{
    [Theory]
    [InlineData("always_on", null, "const", 1, false)]
    [InlineData("always_off", null, "const", 0, false)]
    [InlineData("traceidratio", "0.25", "probabilistic", 0.25, false)]
    [InlineData("traceidratio", null, "probabilistic", 1, false)] // spec: default ratio 1.0
    [InlineData("parentbased_always_on", null, "const", 1, true)]
    [InlineData("parentbased_always_off", null, "const", 0, true)]
    [InlineData("parentbased_traceidratio", "0.1", "probabilistic", 0.1, true)]
    [InlineData("PARENTBASED_TRACEIDRATIO", "0.1", "probabilistic", 0.1, true)]
    [InlineData("const", "0", "const", 0, false)]
    [InlineData("probabilistic", "0.5", "probabilistic", 0.5, false)]
    [InlineData("ratelimiting", "100", "ratelimiting", 100, false)]
    [InlineData("parentbased_ratelimiting", "0.2", "ratelimiting", 0.2, true)]
    public void SimplePolicies_Map(string sampler, string? arg, string type, double param, bool parentBased)
    {
        var options = Resolve(sampler, arg);

        Assert.Equal(type, options.Sampler.Type);
        Assert.Equal(param, options.Sampler.Param);
        Assert.Equal(parentBased, options.Sampler.ParentBased);
    }

    [Theory]
    [InlineData("peroperation", false)]
    [InlineData("parentbased_peroperation", true)]
    public void PerOperation_ArgIsTheDefaultProbability(string sampler, bool parentBased)
    {
        var options = Resolve(sampler, "0.05");

        Assert.Equal("peroperation", options.Sampler.Type);
        Assert.Equal(0.05, options.Sampler.PerOperation.DefaultProbability);
        Assert.Equal(parentBased, options.Sampler.ParentBased);
    }

    [Theory]
    [InlineData("jaeger_remote", false)]
    [InlineData("parentbased_jaeger_remote", true)]
    [InlineData("remote", false)]
    [InlineData("parentbased_remote", true)]
    public void JaegerRemote_ArgSetsEndpointIntervalAndInitialRate(string sampler, bool parentBased)
    {
        var options = Resolve(sampler, "endpoint=http://agent:5778/sampling, pollingIntervalMs=5000 ,initialSamplingRate=0.25");

        Assert.Equal("remote", options.Sampler.Type);
        Assert.Equal(parentBased, options.Sampler.ParentBased);
        Assert.Equal("http://agent:5778/sampling", options.Sampler.Remote.Endpoint);
        Assert.Equal(5, options.Sampler.Remote.PollingIntervalSeconds);
        Assert.Equal(0.25, options.Sampler.Remote.InitialProbability);
    }

    [Fact]
    public void JaegerRemote_WithoutArg_AsksTheLocalCollectorOverGrpc()
    {
        // The specification's jaeger_remote endpoint is a gRPC server: without one, the collector's gRPC port here.
        var options = Resolve("jaeger_remote", null);

        Assert.Equal("http://localhost:14250", options.Sampler.Remote.Endpoint);
        Assert.Equal(RemoteSamplingProtocol.Grpc, RemoteSamplingEndpoint.Resolve(options.Sampler.Remote));
        Assert.Equal(60, options.Sampler.Remote.PollingIntervalSeconds);
        Assert.Equal(0.001, options.Sampler.Remote.InitialProbability);
    }

    [Theory]
    [InlineData("pollingIntervalMs=5000", "http://localhost:14250", "grpc")]          // no endpoint: the gRPC default
    [InlineData("endpoint=http://collector:14250", "http://collector:14250", "grpc")] // the specification's form
    [InlineData("endpoint=http://agent:5778/sampling", "http://agent:5778/sampling", "http")] // a path: Jaeger's HTTP endpoint
    public void JaegerRemote_Endpoint_ChoosesTheProtocolByItsPath(string arg, string endpoint, string protocol)
    {
        var options = Resolve("parentbased_jaeger_remote", arg);

        Assert.Equal(endpoint, options.Sampler.Remote.Endpoint);
        Assert.Equal(RemoteSamplingProtocol.Auto, options.Sampler.Remote.Protocol);
        Assert.Equal(protocol, RemoteSamplingEndpoint.Name(RemoteSamplingEndpoint.Resolve(options.Sampler.Remote)));
    }

    [Fact]
    public void Remote_WithoutArg_KeepsTheHttpDefault()
    {
        // This SDK's own name keeps its own default, Jaeger's HTTP endpoint.
        var options = Resolve("remote", null);

        Assert.Equal("http://localhost:5778/sampling", options.Sampler.Remote.Endpoint);
        Assert.Equal(RemoteSamplingProtocol.Http, RemoteSamplingEndpoint.Resolve(options.Sampler.Remote));
    }

    [Fact]
    public void SectionProtocolAndEndpoint_OverrideJaegerRemotesDefaults()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Sampler:Remote:Protocol"] = "http", ["Tracing:Sampler:Remote:Endpoint"] = "http://agent:5778/" },
            new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "jaeger_remote" });

        Assert.Equal("remote", options.Sampler.Type);
        Assert.Equal("http://agent:5778/", options.Sampler.Remote.Endpoint);
        Assert.Equal(RemoteSamplingProtocol.Http, RemoteSamplingEndpoint.Resolve(options.Sampler.Remote));
    }

    [Theory]
    [InlineData("xray", null, "OTEL_TRACES_SAMPLER='xray' is not a known sampler")]
    [InlineData("sometimes", null, "OTEL_TRACES_SAMPLER='sometimes' is not a known sampler")]
    [InlineData("traceidratio", "1.5", "OTEL_TRACES_SAMPLER_ARG='1.5'")]       // a probability above 1
    [InlineData("traceidratio", "half", "OTEL_TRACES_SAMPLER_ARG='half'")]     // not a number
    [InlineData("const", "0.5", "OTEL_TRACES_SAMPLER_ARG='0.5'")]              // const takes 0 or 1
    [InlineData("ratelimiting", "-1", "OTEL_TRACES_SAMPLER_ARG='-1'")]         // a negative rate
    [InlineData("ratelimiting", "NaN", "OTEL_TRACES_SAMPLER_ARG='NaN'")]       // not finite
    [InlineData("jaeger_remote", "endpoint=localhost:5778", "entry 'endpoint=localhost:5778'")]  // no scheme
    [InlineData("jaeger_remote", "pollingIntervalMs=0", "entry 'pollingIntervalMs=0'")]         // not > 0
    [InlineData("jaeger_remote", "initialSamplingRate=2", "entry 'initialSamplingRate=2'")]     // above 1
    [InlineData("jaeger_remote", "colour=blue", "entry 'colour=blue'")]                         // unknown key
    public void BadValues_FailStartUp_NamingTheVariable(string sampler, string? arg, string expected)
    {
        var environment = new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = sampler };
        if (arg is not null)
        {
            environment["OTEL_TRACES_SAMPLER_ARG"] = arg;
        }

        var error = OptionsHarness.ValidationError(environment: environment);

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void SectionOverridesTheEnvironment()
    {
        var options = OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Sampler:Type"] = "ratelimiting", ["Tracing:Sampler:Param"] = "10" },
            new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio", ["OTEL_TRACES_SAMPLER_ARG"] = "0.1" });

        Assert.Equal("ratelimiting", options.Sampler.Type);
        Assert.Equal(10, options.Sampler.Param);
        Assert.True(options.Sampler.ParentBased);
    }

    private static TracingOptions Resolve(string sampler, string? arg)
    {
        var environment = new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = sampler };
        if (arg is not null)
        {
            environment["OTEL_TRACES_SAMPLER_ARG"] = arg;
        }

        return OptionsHarness.Resolve(environment: environment);
    }
}

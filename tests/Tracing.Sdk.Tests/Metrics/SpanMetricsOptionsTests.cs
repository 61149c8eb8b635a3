using System.Diagnostics;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary><c>Tracing:Metrics</c> at every level: defaults, OTEL_* variables, the section, code, and invalid values.</summary>
public sealed class SpanMetricsOptionsTests
{
    private static readonly Dictionary<string, string?> s_on = new() { ["Tracing:Metrics:Enabled"] = "true" };

    [Fact]
    public void Defaults_AreOff_WithTheConnectorsBucketsAndDimensions()
    {
        var options = OptionsHarness.Resolve();
        Assert.False(options.Metrics.Enabled);
        Assert.Null(SpanMetricsSettings.From(options));

        var settings = SpanMetricsSettings.From(OptionsHarness.Resolve(s_on))!;
        Assert.Equal(["otlp"], settings.Exporters);
        Assert.Equal(60_000, settings.ExportIntervalMilliseconds);
        Assert.Equal([2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000], settings.Buckets);
        Assert.Equal(1000, settings.MaxSeries);
        Assert.True(settings.Exemplars);
        Assert.True(settings.HttpStatusDimension);
        Assert.True(settings.GrpcStatusDimension);
        Assert.Equal("/metrics", settings.PrometheusPath);
        Assert.True(settings.Counts(ActivityKind.Server) && settings.Counts(ActivityKind.Client) && settings.Counts(ActivityKind.Producer) && settings.Counts(ActivityKind.Consumer));
        Assert.False(settings.Counts(ActivityKind.Internal));
    }

    [Fact]
    public void TracingOff_TurnsSpanMetricsOff()
    {
        var options = OptionsHarness.Resolve(new Dictionary<string, string?> { ["Tracing:Enabled"] = "false", ["Tracing:Metrics:Enabled"] = "true" });
        Assert.Null(SpanMetricsSettings.From(options));
    }

    [Fact]
    public void EnvironmentVariables_GiveTheExportersAndInterval()
    {
        var settings = SpanMetricsSettings.From(OptionsHarness.Resolve(
            s_on,
            new Dictionary<string, string> { ["OTEL_METRICS_EXPORTER"] = "Prometheus, otlp", ["OTEL_METRIC_EXPORT_INTERVAL"] = "5000" }))!;
        Assert.Equal(["otlp", "prometheus"], settings.Exporters.Order());
        Assert.Equal(5000, settings.ExportIntervalMilliseconds);
    }

    [Fact]
    public void Section_OverridesTheEnvironment()
    {
        var settings = SpanMetricsSettings.From(OptionsHarness.Resolve(
            new Dictionary<string, string?>
            {
                ["Tracing:Metrics:Enabled"] = "true",
                ["Tracing:Metrics:Exporters:0"] = "none",
                ["Tracing:Metrics:ExportIntervalMilliseconds"] = "1000",
                ["Tracing:Metrics:SpanKinds:0"] = "Server",
                ["Tracing:Metrics:Dimensions:0"] = "none",
                ["Tracing:Metrics:HistogramBuckets:0"] = "5",
                ["Tracing:Metrics:HistogramBuckets:1"] = "50.5",
                ["Tracing:Metrics:MaxSeries"] = "10",
                ["Tracing:Metrics:Exemplars"] = "false",
                ["Tracing:Metrics:PrometheusPath"] = "/scrape",
            },
            new Dictionary<string, string> { ["OTEL_METRICS_EXPORTER"] = "otlp", ["OTEL_METRIC_EXPORT_INTERVAL"] = "5000" }))!;
        Assert.Empty(settings.Exporters);
        Assert.Equal(1000, settings.ExportIntervalMilliseconds);
        Assert.True(settings.Counts(ActivityKind.Server));
        Assert.False(settings.Counts(ActivityKind.Client));
        Assert.False(settings.HttpStatusDimension || settings.GrpcStatusDimension);
        Assert.Equal([5, 50.5], settings.Buckets);
        Assert.Equal(10, settings.MaxSeries);
        Assert.False(settings.Exemplars);
        Assert.Equal("/scrape", settings.PrometheusPath);
    }

    [Fact]
    public void Code_OverridesTheSection()
    {
        var settings = SpanMetricsSettings.From(OptionsHarness.Resolve(
            new Dictionary<string, string?> { ["Tracing:Metrics:Enabled"] = "false", ["Tracing:Metrics:MaxSeries"] = "10" },
            code: o =>
            {
                o.Metrics.Enabled = true;
                o.Metrics.MaxSeries = 20;
                o.Metrics.Dimensions = [];
                o.Metrics.SpanKinds = ["internal"];
            }))!;
        Assert.Equal(20, settings.MaxSeries);
        Assert.False(settings.HttpStatusDimension);
        Assert.True(settings.Counts(ActivityKind.Internal));
        Assert.False(settings.Counts(ActivityKind.Server));
    }

    [Theory]
    [InlineData("Exporters:0", "statsd", "Tracing:Metrics:Exporters:0='statsd'")]
    [InlineData("ExportIntervalMilliseconds", "10", "Tracing:Metrics:ExportIntervalMilliseconds=10")]
    [InlineData("SpanKinds:0", "span", "Tracing:Metrics:SpanKinds:0='span'")]
    [InlineData("Dimensions:0", "user.id", "Tracing:Metrics:Dimensions:0='user.id'")] // not a dimension every span can give, sampled or not
    [InlineData("HistogramBuckets:0", "-1", "Tracing:Metrics:HistogramBuckets:0=-1")]
    [InlineData("MaxSeries", "0", "Tracing:Metrics:MaxSeries=0")]
    [InlineData("MaxSeries", "100001", "Tracing:Metrics:MaxSeries=100001")]
    [InlineData("PrometheusPath", "metrics", "Tracing:Metrics:PrometheusPath='metrics'")]
    public void InvalidSectionValue_StopsStartWithKeyAndValue(string key, string value, string expected)
    {
        var section = new Dictionary<string, string?>(s_on) { [$"Tracing:Metrics:{key}"] = value };
        var error = OptionsHarness.ValidationError(section);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescendingBuckets_AreRejected()
    {
        var error = OptionsHarness.ValidationError(new Dictionary<string, string?>(s_on)
        {
            ["Tracing:Metrics:HistogramBuckets:0"] = "10",
            ["Tracing:Metrics:HistogramBuckets:1"] = "5",
        });
        Assert.Contains("Tracing:Metrics:HistogramBuckets:1=5 is not greater than the bound before it (10)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OTEL_METRICS_EXPORTER", "console", "OTEL_METRICS_EXPORTER='console'")] // a metrics exporter span metrics do not have
    [InlineData("OTEL_METRIC_EXPORT_INTERVAL", "soon", "OTEL_METRIC_EXPORT_INTERVAL='soon'")]
    public void InvalidVariable_StopsStartWithItsName_WhenSpanMetricsAreOn(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string> { [variable] = value };
        Assert.Contains(expected, OptionsHarness.ValidationError(s_on, environment), StringComparison.Ordinal);

        // The variables describe all of the app's metrics: with span metrics off they stop nothing.
        Assert.Null(OptionsHarness.ValidationError(environment: environment));
    }

    [Fact]
    public void SectionValue_OverridesAnInvalidVariable()
    {
        var section = new Dictionary<string, string?>(s_on) { ["Tracing:Metrics:Exporters:0"] = "otlp", ["Tracing:Metrics:ExportIntervalMilliseconds"] = "1000" };
        Assert.Null(OptionsHarness.ValidationError(section, new Dictionary<string, string> { ["OTEL_METRICS_EXPORTER"] = "console", ["OTEL_METRIC_EXPORT_INTERVAL"] = "soon" }));
    }

    [Fact]
    public void PrometheusExporter_WithoutItsPackage_IsAnError()
    {
        var errors = new List<string>();
        SpanMetricsOptionsValidation.Validate(new SpanMetricsOptions { Enabled = true, Exporters = ["prometheus"] }, "Tracing:Metrics", prometheusAvailable: false, errors);
        Assert.Contains(errors, e => e.Contains("Tracing:Metrics:Exporters names 'prometheus', which needs the Tracing.Sdk.Prometheus package", StringComparison.Ordinal));

        errors.Clear();
        SpanMetricsOptionsValidation.Validate(new SpanMetricsOptions { Enabled = true, Exporters = ["prometheus"] }, "Tracing:Metrics", prometheusAvailable: true, errors);
        Assert.Empty(errors);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Conventions;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// What <c>AddTracing</c> registers for span metrics: the per-host recorder, the validation of
/// <c>Tracing:Metrics</c>, the app's <see cref="MeterProvider"/> (<c>WithMetrics()</c>, joined the way
/// <c>WithTracing()</c> is; with span metrics off nothing is added to it), and, once the tracer provider is
/// built, the listeners that count spans — after the provider's own listener, so a recorded span is
/// counted once its processors have described it.
/// </summary>
internal static class SpanMetricsRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<SpanMetricsRuntime>();
        services.AddSingleton<IValidateOptions<TracingOptions>, SpanMetricsOptionsValidator>();
        services.AddSingleton<ITracingProviderAttachment, SpanMetricsAttachment>();

        services.AddOpenTelemetry().WithMetrics();
        services.ConfigureOpenTelemetryMeterProvider((sp, builder) => SpanMetricsPipeline.Configure(sp, builder, services));
    }

    private sealed class SpanMetricsAttachment(IServiceProvider services, SpanMetricsRuntime runtime, HostSpanFilter filter) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start)
        {
            if (runtime.Recorder is not { } recorder)
            {
                return;
            }

            var options = services.GetRequiredService<IOptions<TracingOptions>>().Value;
            var environment = services.GetService<OtelEnvironment>() ?? new OtelEnvironment();
            start.OnStop(new SpanMetricsListener(recorder, new SourceMatcher(TracingSources.User(options)), filter));
            start.OnStop(new HttpClientSpanMetrics(
                recorder,
                HttpMethodNames.FromOverride(environment.Get(SemanticConventions.KnownMethodsVariable)),
                filter));
            start.Describe("span metrics", string.Join(",", recorder.Settings.Exporters.DefaultIfEmpty("none")));
        }
    }
}

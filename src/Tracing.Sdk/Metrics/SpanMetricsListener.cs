using System.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// Counts the spans of the sources the host records — the SDK's own (gRPC client calls, messaging) and
/// the configured <c>Sources</c> — when they end, sampled or not. ASP.NET Core server spans and
/// HttpClient spans are counted where their outcome is known (hosting's and HttpClient's stop events),
/// not here.
/// <para>
/// Counting before sampling needs a span to exist. OpenTelemetry's sampler makes an unsampled root, or a
/// span under a remote parent, a propagation-only Activity, but it makes no Activity at all for an
/// unsampled span under a local parent (TracerProviderSdk, "PropagateOrIgnoreData"). This listener asks
/// for propagation data for the kinds it counts, so that such a span is made too — unrecorded, seen by no
/// processor and exported by none, its context still saying "not sampled" — and can be counted when it
/// ends. Where OpenTelemetry's own instrumentation is suppressed (the exporters' own calls), it asks for nothing.
/// </para>
/// </summary>
internal sealed class SpanMetricsListener : IDisposable
{
    private readonly SpanMetricsRecorder _recorder;
    private readonly HostSpanFilter _filter;
    private static int s_live;

    private readonly ActivityListener _listener;
    private int _disposed;

    public SpanMetricsListener(SpanMetricsRecorder recorder, SourceMatcher sources, HostSpanFilter filter)
    {
        _recorder = recorder;
        _filter = filter;
        var settings = recorder.Settings;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => IsCounted(source.Name, sources),
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                !OpenTelemetry.Sdk.SuppressInstrumentation && settings.Counts(options.Kind) ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.None,
            SampleUsingParentId = (ref ActivityCreationOptions<string> options) =>
                !OpenTelemetry.Sdk.SuppressInstrumentation && settings.Counts(options.Kind) ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.None,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
        Interlocked.Increment(ref s_live);
    }

    /// <summary>
    /// Whether any host in the process counts span metrics: only then must an instrumentation describe
    /// the outcome of spans nobody records (an unrecorded span's first tag allocates its tag list).
    /// </summary>
    public static bool AnyLive => Volatile.Read(ref s_live) > 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _listener.Dispose();
            Interlocked.Decrement(ref s_live);
        }
    }

    private static bool IsCounted(string sourceName, SourceMatcher sources) =>
        string.Equals(sourceName, SpanMetricSources.HttpClient, StringComparison.Ordinal)
        || sourceName.StartsWith(SpanMetricSources.SdkPrefix, StringComparison.Ordinal)
        || (SpanMetricSources.GrpcNetClientDescribed && string.Equals(sourceName, SpanMetricSources.GrpcNetClient, StringComparison.Ordinal))
        || (!string.Equals(sourceName, HostSpanFilter.HostingSourceName, StringComparison.Ordinal) && sources.Matches(sourceName));

    private void OnStopped(Activity activity)
    {
        if (!_recorder.Settings.Counts(activity.Kind)
            || string.Equals(activity.Source.Name, SpanMetricSources.HttpClient, StringComparison.Ordinal)
            || (HostSpanFilter.LiveHosts > 1 && !_filter.Owns(activity)))
        {
            return;
        }

        try
        {
            _recorder.Record(activity, Outcome(activity));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Diagnostics.TracingEventSource.Log.ComponentFailed(nameof(SpanMetricsListener), ex.Message);
        }
    }

    /// <summary>The span as its instrumentation described it: name, kind, status and response code attributes.</summary>
    private static SpanOutcome Outcome(Activity activity)
    {
        var http = CodeOf(activity.GetTagItem(SpanMetricNames.HttpResponseStatusCode));
        var grpc = CodeOf(activity.GetTagItem(SpanMetricNames.RpcGrpcStatusCode));
        return new SpanOutcome(activity.DisplayName, activity.Kind, activity.Status, http, grpc, activity.Duration);
    }

    private static int CodeOf(object? value) => value switch
    {
        int code => code,
        long code when code is >= 0 and <= int.MaxValue => (int)code,
        string text when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) => code,
        _ => SpanOutcome.NoCode,
    };
}

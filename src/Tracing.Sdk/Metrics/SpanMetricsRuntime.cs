using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// One host's span metrics: the settings and the recorder, made on first use from the validated options
/// (none when span metrics or tracing are off), with the host's own <see cref="Meter"/> from its
/// <see cref="IMeterFactory"/>, so that hosts in one process count apart.
/// </summary>
internal sealed class SpanMetricsRuntime(IOptions<TracingOptions> options, TracingMetrics diagnostics, IMeterFactory? meterFactory = null) : IDisposable
{
    private readonly object _gate = new();
    private bool _created;
    private SpanMetricsRecorder? _recorder;
    private Meter? _meter;

    /// <summary>The recorder, or <see langword="null"/> when span metrics are off.</summary>
    public SpanMetricsRecorder? Recorder
    {
        get
        {
            if (Volatile.Read(ref _created))
            {
                return _recorder;
            }

            lock (_gate)
            {
                if (!_created)
                {
                    var value = options.Value;
                    if (SpanMetricsSettings.From(value) is { } settings)
                    {
                        _meter = meterFactory?.Create(new MeterOptions(SpanMetricNames.MeterName)) ?? new Meter(SpanMetricNames.MeterName);
                        _recorder = new SpanMetricsRecorder(settings, value.ServiceName ?? string.Empty, _meter, diagnostics.Meter);
                    }

                    Volatile.Write(ref _created, true);
                }

                return _recorder;
            }
        }
    }

    public void Dispose()
    {
        // A factory's meters belong to the factory, disposed with the container.
        lock (_gate)
        {
            if (_meter is not null && _meter.Scope is null)
            {
                _meter.Dispose();
            }
        }
    }
}

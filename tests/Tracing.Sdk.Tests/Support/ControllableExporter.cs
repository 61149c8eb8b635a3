using System.Diagnostics;
using OpenTelemetry;

namespace Tracing.Sdk.Tests.Support;

/// <summary>
/// An exporter a test steers: each export can be held at a gate (as a collector that does not answer
/// holds it), answers what <see cref="Result"/> says, and is recorded. <see cref="BaseExporter{T}.Shutdown"/>
/// opens the gate, as OpenTelemetry's OTLP exporter cancels its pending request when it shuts down.
/// </summary>
public sealed class ControllableExporter : BaseExporter<Activity>
{
    private readonly ManualResetEventSlim _gate;

    public ControllableExporter(bool open = true)
    {
        _gate = new ManualResetEventSlim(open);
    }

    /// <summary>The answer to an export: by default success. Runs on the export thread, after the gate.</summary>
    public Func<IReadOnlyList<Activity>, ExportResult> Result { get; set; } = static _ => ExportResult.Success;

    /// <summary>Every export call's spans, recorded as the call starts (before the gate).</summary>
    public WaitableList<IReadOnlyList<Activity>> Entered { get; } = new();

    /// <summary>Every export call's spans and answer, recorded as the call returns.</summary>
    public WaitableList<(IReadOnlyList<Activity> Spans, ExportResult Result)> Completed { get; } = new();

    public bool ShutdownCalled { get; private set; }

    public void Open() => _gate.Set();

    public void Close() => _gate.Reset();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var spans = new List<Activity>();
        foreach (var activity in batch)
        {
            spans.Add(activity);
        }

        Entered.Add(spans);

        // Bounded: a test that forgets to open the gate fails instead of hanging.
        if (!_gate.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the export gate was never opened");
        }

        var result = ShutdownCalled ? ExportResult.Failure : Result(spans);
        Completed.Add((spans, result));
        return result;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        ShutdownCalled = true;
        _gate.Set();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Set();
        }

        base.Dispose(disposing);
    }
}

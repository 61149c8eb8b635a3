using System.Diagnostics;
using OpenTelemetry;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// Collects the recorded spans that one web host's provider ends: its own server spans and the spans
/// under them (a provider's listener also sees other hosts' spans in this process; those are skipped).
/// </summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly object _lock = new();
    private readonly List<Activity> _spans = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ActivitySource? HostingSource { get; set; }

    public IReadOnlyList<Activity> Spans { get { lock (_lock) { return _spans.ToList(); } } }

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded || !BelongsToHost(data))
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_lock)
        {
            _spans.Add(data);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the spans so far; returns them either way.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var snapshot = _spans.ToList();
                if (done(snapshot))
                {
                    return snapshot;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                return Spans;
            }
        }
    }

    /// <summary>Waits for <paramref name="count"/> server spans of this host.</summary>
    public Task<IReadOnlyList<Activity>> WaitForServerSpansAsync(int count) =>
        WaitForAsync(spans => spans.Count(IsServerSpan) >= count);

    public bool IsServerSpan(Activity activity) => ReferenceEquals(activity.Source, HostingSource);

    private bool BelongsToHost(Activity activity)
    {
        for (var current = activity; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current.Source, HostingSource))
            {
                return true;
            }
        }

        return false;
    }
}

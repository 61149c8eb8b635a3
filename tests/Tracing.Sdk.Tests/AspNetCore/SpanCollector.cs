using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// Collects the recorded spans that one web host's provider ends: its own server spans and the spans
/// under them (a provider's listener also sees other hosts' spans in this process; those are skipped).
/// </summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly WaitableList<Activity> _spans = new();

    public ActivitySource? HostingSource { get; set; }

    public IReadOnlyList<Activity> Spans => _spans.Snapshot;

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded || !BelongsToHost(data))
        {
            return;
        }

        _spans.Add(data);
    }

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the spans so far; returns them either way.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, TimeSpan? timeout = null) =>
        (await _spans.WaitUntilAsync(done, timeout ?? TimeSpan.FromSeconds(10))).Items;

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

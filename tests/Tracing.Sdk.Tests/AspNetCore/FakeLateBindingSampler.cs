using System.Diagnostics;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// A per-operation late-binding policy in miniature: every server span is pending until decided; the
/// n-th decision for an operation keeps the span when <c>n % keepEvery == 1</c> (1 keeps all, 0 none),
/// clearing the recorded flag otherwise, as <see cref="ILateBindingSampler.Decide"/> prescribes.
/// </summary>
internal sealed class FakeLateBindingSampler(IReadOnlyDictionary<string, int> keepEvery) : ILateBindingSampler
{
    private readonly object _lock = new();
    private readonly Dictionary<ActivitySpanId, bool> _decided = [];
    private readonly Dictionary<string, int> _counts = [];

    public List<(string Operation, bool Sampled)> Decisions { get; } = [];

    public bool IsPending(Activity activity)
    {
        lock (_lock)
        {
            return activity.Source.Name == "Microsoft.AspNetCore" && !_decided.ContainsKey(activity.SpanId);
        }
    }

    public bool Decide(Activity activity, string operationName)
    {
        lock (_lock)
        {
            if (_decided.TryGetValue(activity.SpanId, out var earlier))
            {
                return earlier;
            }

            var n = _counts[operationName] = _counts.GetValueOrDefault(operationName) + 1;
            var every = keepEvery.GetValueOrDefault(operationName, 1);
            var sampled = every > 0 && n % every == 1 % every;
            if (!sampled)
            {
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }

            _decided[activity.SpanId] = sampled;
            Decisions.Add((operationName, sampled));
            return sampled;
        }
    }
}

namespace Tracing.Sdk.Tests.Support;

/// <summary>
/// A thread-safe list that test code can wait on: producers add (a receiver decoding spans, a
/// processor ending them, a peer printing lines), a test waits until a condition over everything
/// added holds, bounded in time and woken by each addition rather than by polling.
/// </summary>
public sealed class WaitableList<T>
{
    private readonly object _lock = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Snapshot
    {
        get { lock (_lock) { return _items.ToList(); } }
    }

    public void Add(T item) => AddRange([item]);

    public void AddRange(IEnumerable<T> items)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _items.AddRange(items);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds for the items added so far and returns them; after
    /// <paramref name="timeout"/> returns what there is (Satisfied says which).
    /// </summary>
    public async Task<(IReadOnlyList<T> Items, bool Satisfied)> WaitUntilAsync(Func<IReadOnlyList<T>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var snapshot = _items.ToList();
                if (done(snapshot))
                {
                    return (snapshot, true);
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                return (Snapshot, false);
            }
        }
    }
}

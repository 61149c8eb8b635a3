using System.Diagnostics;

namespace Tracing.Sdk.Diagnostics;

/// <summary>
/// Subscribes an observer to every <see cref="DiagnosticListener"/> of one name, those that exist now and
/// those created later (a library's listener appears when the library is first used), with an
/// <c>IsEnabled</c> predicate, until disposed. What HttpClient's and Grpc.Net.Client's event observers
/// share; each keeps its own count of who needs it.
/// </summary>
internal sealed class NamedDiagnosticListenerSubscription : IObserver<DiagnosticListener>, IDisposable
{
    private readonly string _name;
    private readonly IObserver<KeyValuePair<string, object?>> _observer;
    private readonly Func<string, object?, object?, bool> _isEnabled;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _allListeners;
    private bool _disposed;

    public NamedDiagnosticListenerSubscription(string name, IObserver<KeyValuePair<string, object?>> observer, Func<string, object?, object?, bool> isEnabled)
    {
        _name = name;
        _observer = observer;
        _isEnabled = isEnabled;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (!string.Equals(value.Name, _name, StringComparison.Ordinal))
        {
            return;
        }

        // Only this instance's lock here: the runtime calls this under its own listener lock, and the
        // owners create this under a lock of theirs while subscribing takes that listener lock, so taking
        // the owner's lock here could deadlock.
        var subscription = value.Subscribe(_observer, _isEnabled);
        lock (_subscriptions)
        {
            if (_disposed)
            {
                subscription.Dispose();
                return;
            }

            _subscriptions.Add(subscription);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        IDisposable[] subscriptions;
        lock (_subscriptions)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }
}

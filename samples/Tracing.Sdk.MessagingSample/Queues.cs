using System.Threading.Channels;

namespace Tracing.Sdk.MessagingSample;

/// <summary>A message as a broker would carry it: a body and string headers.</summary>
public sealed record Message(string Id, string Body, Dictionary<string, string> Headers);

/// <summary>The in-process "broker": one queue per destination.</summary>
public sealed class Queues
{
    public const int OrderCount = 4;

    private readonly TaskCompletionSource _ordersDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _auditDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ordersProcessed;
    private int _auditProcessed;

    public Channel<Message> Orders { get; } = Channel.CreateUnbounded<Message>();

    public Channel<Message> Audit { get; } = Channel.CreateUnbounded<Message>();

    public Task AllDone => Task.WhenAll(_ordersDone.Task, _auditDone.Task);

    public void OrderProcessed()
    {
        if (Interlocked.Increment(ref _ordersProcessed) == OrderCount)
        {
            _ordersDone.TrySetResult();
        }
    }

    public void AuditProcessed(int count)
    {
        if (Interlocked.Add(ref _auditProcessed, count) >= OrderCount)
        {
            _auditDone.TrySetResult();
        }
    }
}

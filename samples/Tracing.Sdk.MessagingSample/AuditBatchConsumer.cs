using Microsoft.Extensions.Hosting;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.MessagingSample;

/// <summary>
/// Processes audit messages in batches: one CONSUMER span per batch, linked to every message's
/// producer span (a batch has many parents, so they are links), with <c>messaging.batch.message_count</c>.
/// </summary>
public sealed class AuditBatchConsumer(Queues queues) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queues.Audit.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            // Let a few messages gather, then take whatever is there (at most 10).
            await Task.Delay(20, stoppingToken);
            var batch = new List<Message>();
            while (batch.Count < 10 && reader.TryRead(out var message))
            {
                batch.Add(message);
            }

            using (var span = TracingPropagation.StartBatchConsumerActivity(batch.Select(m => (IDictionary<string, string>)m.Headers), "inproc", "audit"))
            {
                Console.WriteLine($"audited {batch.Count} messages in one span linked to {span?.Links.Count()} producer spans");
            }

            queues.AuditProcessed(batch.Count);
        }
    }
}

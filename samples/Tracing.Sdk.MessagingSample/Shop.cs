using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.MessagingSample;

/// <summary>The producing side: each send is a PRODUCER span whose context goes into the message headers.</summary>
public static class Shop
{
    public const string SourceName = "MessagingSample";

    public static async Task PlaceOrderAsync(Queues queues, string orderId)
    {
        // Two messages per order, each with its own headers and its own producer span.
        var order = new Message(orderId, $"order {orderId}", []);
        using (TracingPropagation.StartProducerActivity(order.Headers, "inproc", "orders", order.Id))
        {
            await queues.Orders.Writer.WriteAsync(order);
        }

        var audit = new Message($"{orderId}-audit", $"audit {orderId}", []);
        using (TracingPropagation.StartProducerActivity(audit.Headers, "inproc", "audit", audit.Id))
        {
            await queues.Audit.Writer.WriteAsync(audit);
        }

        Console.WriteLine($"sent {orderId}: {string.Join(", ", order.Headers.Select(h => $"{h.Key}: {h.Value}"))}");
    }
}

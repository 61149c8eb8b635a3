using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.MessagingSample;

/// <summary>
/// A long-lived consumer: it started before any order was placed, so <see cref="Activity.Current"/>
/// here is never the producer's. <see cref="TracingPropagation.StartConsumerActivity(IDictionary{string, string}, string, string, string?)"/>
/// continues the trace from the message; inside that span, <c>await</c> and <c>Task.Run</c> need nothing.
/// </summary>
public sealed class OrderConsumer(Queues queues) : BackgroundService
{
    private static readonly ActivitySource s_source = new(Shop.SourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queues.Orders.Reader.ReadAllAsync(stoppingToken))
        {
            using (var consumer = TracingPropagation.StartConsumerActivity(message.Headers, "inproc", "orders", message.Id))
            {
                await Task.Delay(5, stoppingToken);
                await Task.Run(
                    () =>
                    {
                        using var charge = s_source.StartActivity("charge card");
                        Thread.Sleep(2);
                    },
                    stoppingToken);

                Console.WriteLine($"processed {message.Id} in trace {consumer?.TraceId} (tenant {consumer?.GetBaggageItem("tenant")})");
            }

            queues.OrderProcessed();
        }
    }
}

// Trace context through an in-process queue: a producer span injects its context into each
// message's headers, a long-lived background consumer continues the trace per message, and a batch
// consumer links one span to every message it processes. Spans print as console waterfalls.
//
//   dotnet run --project samples/Tracing.Sdk.MessagingSample
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.MessagingSample;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddTracing(options =>
{
    options.ServiceName = "messaging-sample";
    options.Exporters = ["console"];
    options.Propagators = ["tracecontext", "baggage", "b3"];
    options.Sources.Add(Shop.SourceName);
});
builder.Services.AddSingleton<Queues>();
builder.Services.AddHostedService<OrderConsumer>();
builder.Services.AddHostedService<AuditBatchConsumer>();

using var host = builder.Build();
await host.StartAsync();

// The consumers are already running: their own ExecutionContext has no span, so only the headers
// can carry the checkout's trace to them.
var queues = host.Services.GetRequiredService<Queues>();
using var source = new ActivitySource(Shop.SourceName);
for (var i = 1; i <= Queues.OrderCount; i++)
{
    using var checkout = source.StartActivity($"checkout order-{i}", ActivityKind.Server);
    checkout?.AddBaggage("tenant", i % 2 == 0 ? "acme" : "globex");
    await Shop.PlaceOrderAsync(queues, $"order-{i}");
}

// Bounded wait for both consumers, then stop: stopping flushes the console exporter.
await queues.AllDone.WaitAsync(TimeSpan.FromSeconds(30));
await host.StopAsync();
Console.WriteLine("Done: every consumer span above is in its producer's trace (or linked to it, for the audit batch).");

using Grpc.Core;
using Tracing.Sdk.Demo.Protos;

namespace Tracing.Sdk.Demo;

/// <summary>The inventory service, a plain Grpc.AspNetCore service: its calls are server spans by themselves.</summary>
internal sealed class InventoryService(ILogger<InventoryService> log) : Inventory.InventoryBase
{
    public override Task<ReserveReply> Reserve(ReserveRequest request, ServerCallContext context)
    {
        log.LogInformation("Reserving {Quantity} of {Sku}", request.Quantity, request.Sku);
        if (request.Sku == "out-of-stock")
        {
            // Grpc.AspNetCore turns the exception into status UNKNOWN for the caller.
            throw new InvalidOperationException($"{request.Sku} is out of stock");
        }

        return Task.FromResult(new ReserveReply { Sku = request.Sku, Reserved = request.Quantity });
    }
}

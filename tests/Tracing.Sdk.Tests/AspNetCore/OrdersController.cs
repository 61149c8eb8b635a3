using Microsoft.AspNetCore.Mvc;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>A controller with an attribute route, for the server-span tests.</summary>
[ApiController]
[Route("api/orders")]
public sealed class OrdersController : ControllerBase
{
    [HttpGet("{id:int}")]
    public string Get(int id) => $"order {id}";
}

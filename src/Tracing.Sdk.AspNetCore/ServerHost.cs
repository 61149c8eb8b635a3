namespace Tracing.Sdk.AspNetCore;

/// <summary>A request's <c>Host</c> split into <c>server.address</c> and a boxed <c>server.port</c>.</summary>
internal sealed record ServerHost(string Raw, string Scheme, string Address, object? Port);

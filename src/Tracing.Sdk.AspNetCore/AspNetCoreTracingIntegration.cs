using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// How <c>AddTracing()</c>, from the core package, finds this one: it looks this type up by name and,
/// when the app references the package, registers ASP.NET Core server spans.
/// </summary>
internal sealed class AspNetCoreTracingIntegration : ITracingIntegration
{
    public void Register(IServiceCollection services) => AspNetCoreTracingRegistration.AddAspNetCoreTracing(services);
}

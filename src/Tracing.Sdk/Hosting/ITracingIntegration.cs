using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// The part of <c>AddTracing</c> that lives in another of the SDK's packages (ASP.NET Core server spans,
/// gRPC), registered when the app references that package. Implementations have a public parameterless
/// constructor.
/// </summary>
internal interface ITracingIntegration
{
    void Register(IServiceCollection services);
}

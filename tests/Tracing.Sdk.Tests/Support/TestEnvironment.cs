using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Tests.Support;

/// <summary>Gives a host its own OTEL_* variables, so that tests never touch (or race on) the process environment.</summary>
public static class TestEnvironment
{
    public static IServiceCollection UseOtelEnvironment(this IServiceCollection services, IReadOnlyDictionary<string, string>? variables = null)
    {
        services.Replace(ServiceDescriptor.Singleton(new OtelEnvironment(variables ?? new Dictionary<string, string>())));
        return services;
    }
}

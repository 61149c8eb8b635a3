using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Hosting;

/// <summary>Builds the service a descriptor that was replaced or decorated would have produced.</summary>
internal static class ServiceDescriptors
{
    public static T? Resolve<T>(IServiceProvider services, ServiceDescriptor? descriptor)
        where T : class => descriptor switch
    {
        null => null,
        { ImplementationInstance: T instance } => instance,
        { ImplementationFactory: { } factory } => factory(services) as T,
        { ImplementationType: { } type } => ActivatorUtilities.CreateInstance(services, type) as T,
        _ => null,
    };
}

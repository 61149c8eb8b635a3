using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Finds the SDK's other packages that the app references, so that one line — <c>AddTracing()</c>, which
/// lives in this core package — also turns on ASP.NET Core server spans in a web app (which references
/// <c>Tracing.Sdk.AspNetCore</c>) while a worker, which references only the core, gets no ASP.NET Core
/// dependency at all. Each package names one integration type; a type name that resolves to nothing
/// means the package is not there. The names are constants, so trimming and Native AOT keep those
/// types (and their constructors) when the packages are part of the app.
/// </summary>
internal static class TracingIntegrations
{
    public const string AspNetCore = "Tracing.Sdk.AspNetCore.AspNetCoreTracingIntegration, Tracing.Sdk.AspNetCore";

    public const string Grpc = "Tracing.Sdk.Grpc.GrpcTracingIntegration, Tracing.Sdk.Grpc";

    public const string Prometheus = "Tracing.Sdk.Prometheus.PrometheusTracingIntegration, Tracing.Sdk.Prometheus";

    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, "Tracing.Sdk.AspNetCore.AspNetCoreTracingIntegration", "Tracing.Sdk.AspNetCore")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, "Tracing.Sdk.Grpc.GrpcTracingIntegration", "Tracing.Sdk.Grpc")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, "Tracing.Sdk.Prometheus.PrometheusTracingIntegration", "Tracing.Sdk.Prometheus")]
    public static void Add(IServiceCollection services)
    {
        Register(services, Type.GetType(AspNetCore, throwOnError: false));
        Register(services, Type.GetType(Grpc, throwOnError: false));
        Register(services, Type.GetType(Prometheus, throwOnError: false));
    }

    private static void Register(
        IServiceCollection services,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type? type)
    {
        if (type is not null && Activator.CreateInstance(type) is ITracingIntegration integration)
        {
            integration.Register(services);
        }
    }
}

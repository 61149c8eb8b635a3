using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Finds the SDK's other packages that the app references, so that one line — <c>AddTracing()</c>, which
/// lives in this core package — also turns on ASP.NET Core server spans in a web app (which references
/// <c>Tracing.Sdk.AspNetCore</c>) while a worker, which references only the core, gets no ASP.NET Core
/// dependency at all. Each package names one integration type; a type name that resolves to nothing
/// means the package is not there.
/// <para>
/// Trimming and Native AOT: each name is a literal passed straight to <see cref="Type.GetType(string, bool)"/>,
/// which the trimmer and the AOT compiler resolve at build time. When the package is part of the app they
/// keep the type and, by the annotation on <see cref="Register"/>, its parameterless constructor; when it is
/// not, the call returns <see langword="null"/> at run time and nothing is reported at build time (no
/// <c>DynamicDependency</c> on an assembly the app may not have, which would warn in every app without it).
/// </para>
/// </summary>
internal static class TracingIntegrations
{
    public static void Add(IServiceCollection services)
    {
        Register(services, Type.GetType("Tracing.Sdk.AspNetCore.AspNetCoreTracingIntegration, Tracing.Sdk.AspNetCore", throwOnError: false));
        Register(services, Type.GetType("Tracing.Sdk.Grpc.GrpcTracingIntegration, Tracing.Sdk.Grpc", throwOnError: false));
        Register(services, Type.GetType("Tracing.Sdk.Prometheus.PrometheusTracingIntegration, Tracing.Sdk.Prometheus", throwOnError: false));
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

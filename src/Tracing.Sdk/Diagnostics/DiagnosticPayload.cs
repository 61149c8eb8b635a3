using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Tracing.Sdk.Diagnostics;

/// <summary>
/// Reads a named public property of a <see cref="DiagnosticListener"/> event payload whose type the
/// writer keeps to itself (HttpClient's <c>ActivityStopData</c> and <c>ExceptionData</c>, ASP.NET Core's
/// anonymous <c>{ httpContext, exception }</c>). The property is looked up once per payload type.
/// <para>
/// Trimming and Native AOT: the writers pass these payloads to
/// <c>DiagnosticSource.Write&lt;[DynamicallyAccessedMembers(PublicProperties)] T&gt;</c> (HttpClient's
/// <c>DiagnosticsHandler</c>, ASP.NET Core's <c>WriteDiagnosticEvent</c>), which is how .NET keeps a
/// diagnostic payload's public properties for its listeners; the trimmer and the AOT compiler therefore
/// keep exactly the properties read here. A property that is nevertheless missing reads as
/// <see langword="null"/>, and the span is described without it: never an exception.
/// </para>
/// </summary>
internal static class DiagnosticPayload
{
    private static readonly ConcurrentDictionary<(Type Type, string Name), PropertyInfo?> s_properties = new();

    /// <summary>The value of <paramref name="payload"/>'s public property <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static object? Read(object? payload, string name)
    {
        if (payload is null)
        {
            return null;
        }

        return Property(payload.GetType(), name)?.GetValue(payload);
    }

    /// <summary>The public instance property <paramref name="name"/> of payload type <paramref name="type"/>, looked up once; <see langword="null"/> when it has none.</summary>
    public static PropertyInfo? Property(Type type, string name) =>
        s_properties.GetOrAdd((type, name), static key => Find(key.Type, key.Name));

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070:'this' argument does not satisfy 'DynamicallyAccessedMembersAttribute'",
        Justification = "Payload types reach listeners through DiagnosticSource.Write<[DynamicallyAccessedMembers(PublicProperties)] T>, so their public properties are kept; a missing one reads as null.")]
    private static PropertyInfo? Find(Type type, string name) => type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
}

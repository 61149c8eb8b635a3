using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Http;

/// <summary>
/// Reads one public property of a diagnostic payload whose type is internal to the runtime (HttpClient's
/// <c>ActivityStopData</c>, <c>ExceptionData</c>) through a delegate bound once to its getter, so that a
/// read is a delegate call: no reflection, and no boxing of a value-type property. Where code cannot be
/// generated at run time (Native AOT), the property is read through <see cref="DiagnosticPayload"/>
/// instead (reflection, looked up once per payload type).
/// </summary>
internal abstract class PayloadProperty<T>
{
    /// <summary>The reader of <paramref name="name"/> on <paramref name="payloadType"/>; one that reads <see langword="default"/> when there is no such property of type <typeparamref name="T"/>.</summary>
    public static PayloadProperty<T> Bind(Type payloadType, string name)
    {
        var getter = DiagnosticPayload.Property(payloadType, name)?.GetMethod;
        if (getter is null || payloadType.IsValueType || !typeof(T).IsAssignableFrom(getter.ReturnType)
            || (typeof(T).IsValueType && getter.ReturnType != typeof(T)))
        {
            return MissingPayloadProperty<T>.Instance;
        }

        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return BindDelegate(payloadType, getter);
        }

        return new ReflectedPayloadProperty<T>(name);
    }

    public abstract T? Read(object payload);

    [UnconditionalSuppressMessage(
        "AOT",
        "IL3050",
        Justification = "Called only where RuntimeFeature.IsDynamicCodeSupported is true (see Bind); under Native AOT the property is read by ReflectedPayloadProperty.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2055",
        Justification = "BoundPayloadProperty's type parameters carry no trimming requirements; its constructor is kept by the DynamicDependency below.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(BoundPayloadProperty<,>))]
    private static PayloadProperty<T> BindDelegate(Type payloadType, MethodInfo getter)
    {
        var reader = typeof(BoundPayloadProperty<,>).MakeGenericType(payloadType, typeof(T));
        return (PayloadProperty<T>)Activator.CreateInstance(reader, getter)!;
    }
}

/// <summary>A <see cref="PayloadProperty{T}"/> bound to the getter of a property of <typeparamref name="TPayload"/>.</summary>
internal sealed class BoundPayloadProperty<TPayload, T> : PayloadProperty<T>
    where TPayload : class
{
    private readonly Func<TPayload, T> _get;

    public BoundPayloadProperty(MethodInfo getter)
    {
        _get = getter.CreateDelegate<Func<TPayload, T>>();
    }

    public override T? Read(object payload) => payload is TPayload typed ? _get(typed) : default;
}

/// <summary>A property read by reflection (<see cref="DiagnosticPayload"/>), where no reader can be generated.</summary>
internal sealed class ReflectedPayloadProperty<T>(string name) : PayloadProperty<T>
{
    public override T? Read(object payload) => DiagnosticPayload.Read(payload, name) is T value ? value : default;
}

/// <summary>A property the payload type does not have: always <see langword="default"/>.</summary>
internal sealed class MissingPayloadProperty<T> : PayloadProperty<T>
{
    public static readonly MissingPayloadProperty<T> Instance = new();

    public override T? Read(object payload) => default;
}

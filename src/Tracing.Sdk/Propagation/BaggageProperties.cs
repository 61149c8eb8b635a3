using System.Runtime.CompilerServices;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Keeps W3C baggage properties (<c>key=value;property</c>, Baggage §3.3.3) with the value they
/// came with. Neither <see cref="System.Diagnostics.Activity.Baggage"/> nor OpenTelemetry's
/// <c>Baggage</c> has room for them, so they are attached to the extracted value's string instance:
/// as long as the application passes the value on unchanged, the properties go out with it; a new
/// value (another instance) goes out without them. Weak keys: nothing to bound or expire.
/// </summary>
internal static class BaggageProperties
{
    private static readonly ConditionalWeakTable<string, string> s_properties = [];

    /// <summary>Attaches raw <paramref name="properties"/> (without the leading <c>;</c>) to <paramref name="value"/>, a fresh string.</summary>
    public static void Attach(string value, string properties)
    {
        // An empty value is the shared string.Empty instance: attaching to it would tag every empty value.
        if (value.Length > 0)
        {
            s_properties.AddOrUpdate(value, properties);
        }
    }

    public static string? Of(string value) => s_properties.TryGetValue(value, out var properties) ? properties : null;
}

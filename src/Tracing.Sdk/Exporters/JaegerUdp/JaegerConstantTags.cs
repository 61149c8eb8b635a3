using System.Diagnostics;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Tags the exporter adds to spans, serialised once in the exporter's protocol and then copied in as
/// bytes: a Tag struct in a list reads the same wherever it sits. The <c>span.kind</c>, status and
/// marker tags are constants; the instrumentation-scope tags are kept per <see cref="ActivitySource"/>.
/// </summary>
internal sealed class JaegerConstantTags
{
    // Sources are few (one per library); should an application mint them without end, start over.
    private const int MaxScopes = 256;

    private readonly bool _compact;
    private readonly byte[][] _kinds;
    private readonly Dictionary<ActivitySource, ScopeTags> _scopes = [];

    public JaegerConstantTags(bool compact)
    {
        _compact = compact;
        _kinds = new byte[(int)ActivityKind.Consumer + 1][];
        foreach (var kind in Enum.GetValues<ActivityKind>())
        {
            _kinds[(int)kind] = KindName(kind) is { } name
                ? Serialize(w => JaegerTagWriter.WriteString(w, JaegerTags.SpanKind, name, int.MaxValue))
                : [];
        }

        StatusOk = Serialize(w => JaegerTagWriter.WriteString(w, JaegerTags.StatusCode, JaegerTags.StatusOkValue, int.MaxValue));
        StatusError = Serialize(w => JaegerTagWriter.WriteString(w, JaegerTags.StatusCode, JaegerTags.StatusErrorValue, int.MaxValue));
        ErrorTrue = Serialize(w => JaegerTagWriter.WriteBool(w, JaegerTags.Error, true));
        Truncated = Serialize(w => JaegerTagWriter.WriteBool(w, JaegerTags.Truncated, true));
    }

    /// <summary><c>otel.status_code</c> = <c>OK</c>.</summary>
    public byte[] StatusOk { get; }

    /// <summary><c>otel.status_code</c> = <c>ERROR</c>.</summary>
    public byte[] StatusError { get; }

    /// <summary><c>error</c> = <c>true</c>.</summary>
    public byte[] ErrorTrue { get; }

    /// <summary><c>tracing.sdk.truncated</c> = <c>true</c>.</summary>
    public byte[] Truncated { get; }

    /// <summary>The <c>span.kind</c> tag, or nothing for <see cref="ActivityKind.Internal"/> (mapping, "SpanKind").</summary>
    public ReadOnlySpan<byte> Kind(ActivityKind kind) => (uint)kind < (uint)_kinds.Length ? _kinds[(int)kind] : [];

    /// <summary>The scope name and version tags (with their deprecated aliases) of <paramref name="source"/>.</summary>
    public ScopeTags Scope(ActivitySource source)
    {
        if (_scopes.TryGetValue(source, out var tags))
        {
            return tags;
        }

        if (_scopes.Count >= MaxScopes)
        {
            _scopes.Clear();
        }

        tags = new ScopeTags(SerializeScope(source.Name, source.Version), ScopeTagCount(source));
        _scopes[source] = tags;
        return tags;
    }

    /// <summary>How many scope tags <paramref name="source"/> gets: name and version, each with its alias.</summary>
    public static int ScopeTagCount(ActivitySource source) =>
        (string.IsNullOrEmpty(source.Name) ? 0 : 2) + (string.IsNullOrEmpty(source.Version) ? 0 : 2);

    public static string? KindName(ActivityKind kind) => kind switch
    {
        ActivityKind.Client => "client",
        ActivityKind.Server => "server",
        ActivityKind.Producer => "producer",
        ActivityKind.Consumer => "consumer",
        _ => null,
    };

    // Kept out of Scope(): a lambda capturing locals there would allocate on every call, cached or not.
    private byte[] SerializeScope(string name, string? version) => Serialize(w =>
    {
        if (!string.IsNullOrEmpty(name))
        {
            JaegerTagWriter.WriteString(w, JaegerTags.ScopeName, name, int.MaxValue);
            JaegerTagWriter.WriteString(w, JaegerTags.LibraryName, name, int.MaxValue);
        }

        if (!string.IsNullOrEmpty(version))
        {
            JaegerTagWriter.WriteString(w, JaegerTags.ScopeVersion, version, int.MaxValue);
            JaegerTagWriter.WriteString(w, JaegerTags.LibraryVersion, version, int.MaxValue);
        }
    });

    private byte[] Serialize(Action<ThriftWriter> write)
    {
        var writer = _compact ? (ThriftWriter)new ThriftCompactWriter() : new ThriftBinaryWriter();
        for (var size = 1024; ; size *= 4)
        {
            var buffer = new byte[size];
            writer.Reset(buffer, 0, buffer.Length);
            write(writer);
            if (!writer.Overflowed)
            {
                return buffer.AsSpan(0, writer.Position).ToArray();
            }
        }
    }

    /// <summary>Serialised scope tags and how many tags the bytes hold.</summary>
    internal readonly record struct ScopeTags(byte[] Bytes, int Count);
}

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Serialises the Jaeger <c>Process</c> struct once per exporter: <c>serviceName</c> from the
/// resource's <c>service.name</c>, every other resource attribute as a tag (mapping, "Resource"), and
/// the <c>client-uuid</c> tag the agent keys its per-client <c>seqNo</c> and <c>ClientStats</c> on.
/// </summary>
internal static class JaegerProcessWriter
{
    public const string ServiceNameAttribute = "service.name";

    public static byte[] Serialize(ThriftWriter writer, string serviceName, IEnumerable<KeyValuePair<string, object>> attributes, string clientUuid)
    {
        var tags = attributes
            .Where(static a => a.Value is not null && !string.Equals(a.Key, ServiceNameAttribute, StringComparison.Ordinal))
            .ToList();
        var tagWriter = new JaegerTagWriter();

        // Resources are small; grow the scratch space in the rare case one is not.
        for (var size = 4096; ; size *= 4)
        {
            var buffer = new byte[size];
            writer.Reset(buffer, 0, buffer.Length);
            writer.WriteStructBegin();
            writer.WriteFieldBegin(ThriftType.String, JaegerIdl.ProcessServiceName);
            writer.WriteString(serviceName);
            writer.WriteFieldBegin(ThriftType.List, JaegerIdl.ProcessTags);
            writer.WriteListBegin(ThriftType.Struct, tags.Count + 1);
            foreach (var (key, value) in tags)
            {
                tagWriter.Write(writer, key, value, int.MaxValue);
            }

            JaegerTagWriter.WriteString(writer, JaegerTags.ClientUuid, clientUuid, int.MaxValue);
            writer.WriteFieldStop();
            writer.WriteStructEnd();
            if (!writer.Overflowed)
            {
                return buffer.AsSpan(0, writer.Position).ToArray();
            }
        }
    }
}

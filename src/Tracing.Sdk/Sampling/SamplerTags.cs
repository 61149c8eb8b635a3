namespace Tracing.Sdk.Sampling;

/// <summary>
/// The attributes a sampled root span carries to say why it was kept, as Jaeger clients record them
/// (<c>sampler.type</c>, <c>sampler.param</c>). Lists are built once per policy and handed to
/// OpenTelemetry as they are, so a decision allocates nothing.
/// </summary>
internal static class SamplerTags
{
    public const string Type = "sampler.type";
    public const string Param = "sampler.param";

    public static KeyValuePair<string, object>[] Create(string type, object param) => [new(Type, type), new(Param, param)];
}

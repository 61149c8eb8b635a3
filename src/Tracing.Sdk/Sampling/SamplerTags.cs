namespace Tracing.Sdk.Sampling;

/// <summary>
/// The attributes a sampled root span carries to say why it was kept, as Jaeger clients record them
/// (<c>sampler.type</c>, <c>sampler.param</c>). Lists are built once per policy and parameter and handed
/// out as they are, so a decision allocates nothing; on the provider's path they reach the span through
/// <see cref="SamplerTagHandOff"/> rather than as sampling attributes.
/// </summary>
internal static class SamplerTags
{
    public const string Type = "sampler.type";
    public const string Param = "sampler.param";

    public static SamplerTagList Create(string type, object param) => new(type, param);
}

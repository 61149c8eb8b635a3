using System.Collections;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// A policy's immutable <c>sampler.type</c>/<c>sampler.param</c> pair, built once per policy and
/// parameter (the parameter boxed once). Its type marks a <c>SamplingResult</c>'s attributes as the
/// policy's tags, which <see cref="SamplerTagHandOff"/> puts on the started span itself instead of
/// handing them to OpenTelemetry as sampling attributes (for which .NET builds a tag collection per span).
/// </summary>
internal sealed class SamplerTagList : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object>[] _pairs;

    public SamplerTagList(string type, object param)
    {
        Type = type;
        Param = param;
        _pairs = [new(SamplerTags.Type, type), new(SamplerTags.Param, param)];
    }

    public string Type { get; }

    public object Param { get; }

    public int Count => _pairs.Length;

    public KeyValuePair<string, object> this[int index] => _pairs[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

namespace Tracing.Sdk.Tests.NativeAot;

/// <summary>
/// The Native AOT publish has a collection of its own: its minutes of compiling run beside the other
/// collections, not inside one of them, and no other test waits on it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NativeAotPublishing
{
    public const string Name = "Native AOT";
}

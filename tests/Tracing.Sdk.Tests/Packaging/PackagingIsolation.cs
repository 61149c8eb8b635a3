namespace Tracing.Sdk.Tests.Packaging;

/// <summary>
/// Tests that pack, create, build and run whole apps: alone (they use both cores for minutes) and sharing
/// one packed feed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingIsolation : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packaging (not parallel)";
}

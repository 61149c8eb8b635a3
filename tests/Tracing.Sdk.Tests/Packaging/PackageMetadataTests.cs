using System.Reflection.Metadata;
using Tracing.Sdk.Tests.Support.Packaging;

namespace Tracing.Sdk.Tests.Packaging;

/// <summary>What nuget.org and a user's IDE read from each package: its nuspec, its files, its symbols.</summary>
[Collection(PackagingIsolation.Name)]
public sealed class PackageMetadataTests(PackedFeed feed)
{
    public static TheoryData<string> Packages => new(PackedFeed.PackageIds);

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_HasLicenseReadmeDescriptionTags_AndTheCommit(string id)
    {
        var package = PackageFile.Open(feed.Package(id));

        Assert.Equal(id, package.Value("id"));
        Assert.Equal(feed.Version, package.Value("version"));
        Assert.Equal("MIT", package.Value("license"));
        Assert.Equal("expression", (string?)package.Element("license")!.Attribute("type"));
        Assert.Equal("README.md", package.Value("readme"));
        Assert.Contains("README.md", package.Entries);
        Assert.True(package.Value("description")!.Length > 80, package.Value("description"));
        Assert.Contains("tracing", package.Value("tags")!.Split(' '));

        var repository = package.Element("repository")!;
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(feed.Commit, (string?)repository.Attribute("commit"));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public async Task Nuspec_RepositoryUrl_IsTheGitRemote_OrAbsentWhenThereIsNone(string id)
    {
        var origin = await RepositoryClone.OriginUrlAsync();
        var url = (string?)PackageFile.Open(feed.Package(id)).Element("repository")!.Attribute("url");

        if (origin is null || Path.IsPathRooted(origin) || origin.StartsWith("file:", StringComparison.Ordinal))
        {
            // No remote, or a clone of a local folder (as on CI): SourceLink finds no URL, and we make none
            // up; packers set -p:RepositoryUrl=... (pack warns TRSDK0001 otherwise).
            Assert.Null(url);
        }
        else
        {
            Assert.NotNull(url);
            if (Uri.TryCreate(origin, UriKind.Absolute, out var remote) && remote.Scheme.StartsWith("http", StringComparison.Ordinal))
            {
                Assert.Contains(remote.Host + remote.AbsolutePath.Replace(".git", string.Empty, StringComparison.Ordinal), url, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EachTarget_HasItsAssemblyAndDocs_AndTheSymbolsPackageItsPortablePdb_WithMappedPaths(string id)
    {
        var package = PackageFile.Open(feed.Package(id));
        var symbols = PackageFile.Open(feed.SymbolsPackage(id));

        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains($"lib/{tfm}/{id}.dll", package.Entries);
            Assert.Contains($"lib/{tfm}/{id}.xml", package.Entries);
            Assert.DoesNotContain($"lib/{tfm}/{id}.pdb", package.Entries);

            // ContinuousIntegrationBuild: every source path is /_/..., never the machine's checkout path.
            using var pdb = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(symbols.ReadEntry($"lib/{tfm}/{id}.pdb")));
            var reader = pdb.GetMetadataReader();
            var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
            Assert.NotEmpty(documents);
            Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SiblingPackages_DependOnTheCore_AtExactlyTheSameVersion()
    {
        foreach (var id in PackedFeed.PackageIds.Skip(1))
        {
            var dependencies = PackageFile.Open(feed.Package(id)).Dependencies;
            Assert.Equal(["net10.0", "net8.0"], dependencies.Keys.Order());
            Assert.All(dependencies.Values, d => Assert.Equal($"[{feed.Version}]", d["Tracing.Sdk"]));
        }
    }

    [Fact]
    public void Core_TakesNoAspNetCore_AndTheLowestFrameworkExtensionsOfEachTarget()
    {
        var core = PackageFile.Open(feed.Package("Tracing.Sdk"));

        Assert.Empty(core.FrameworkReferences);
        Assert.Equal("8.0.1", core.Dependencies["net8.0"]["Microsoft.Extensions.Hosting"]);
        Assert.Equal("10.0.0", core.Dependencies["net10.0"]["Microsoft.Extensions.Hosting"]);
        Assert.All(core.Dependencies.Values, d => Assert.Equal("1.20.1", d["OpenTelemetry.Exporter.OpenTelemetryProtocol"]));
        Assert.Equal(["Microsoft.AspNetCore.App"], PackageFile.Open(feed.Package("Tracing.Sdk.AspNetCore")).FrameworkReferences["net8.0"]);
    }
}

using System.IO.Compression;
using System.Reflection.Metadata;

namespace Tracing.Sdk.Tests.Packaging;

/// <summary>
/// Same commit, same packages: a second clone of HEAD in another folder, packed from scratch, gives
/// byte-identical .nupkg and .snupkg files (assemblies, PDBs, nuspec, and the zip entries' timestamps,
/// which are the commit's time) — with one known exception, below.
/// </summary>
/// <remarks>
/// The [LoggerMessage] source generator of Microsoft.Extensions.Logging.Abstractions 10.0 writes the log
/// classes in an unstable order (dotnet/runtime#119587, fixed for .NET 11, not in 10.0.12). The core's
/// net10.0 build embeds that generated file in its PDB, so its PDB, and the PDB id, MVID and timestamp the
/// assembly derives from it, may differ between builds. For those two entries the test checks that the
/// generated LoggerMessage.g.cs is the only differing source and the assembly differs in those ids only.
/// </remarks>
[Collection(PackagingIsolation.Name)]
public sealed class DeterministicPackTests(PackedFeed feed)
{
    private const string UnstableGeneratedSource = "LoggerMessage.g.cs";

    /// <summary>PE timestamp (4), MVID (16), CodeView GUID and stamp (20), PDB checksum (32): the ids derived from the PDB.</summary>
    private const int IdBytes = 72;

    [Fact]
    public async Task PackingTheSameCommitAgain_ElsewhereFromScratch_GivesTheSameBytes()
    {
        var second = Path.Combine(feed.Root, "second");
        var secondFeed = Path.Combine(second, "feed");
        await Support.Packaging.RepositoryClone.PackHeadAsync(Path.Combine(second, "a-clone-at-another-path"), secondFeed, feed.Version);

        var names = Directory.GetFiles(feed.Feed).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(names, Directory.GetFiles(secondFeed).Select(Path.GetFileName).Order().ToList());
        Assert.Equal(PackedFeed.PackageIds.Length * 2, names.Count);
        foreach (var name in names)
        {
            var first = await File.ReadAllBytesAsync(Path.Combine(feed.Feed, name!));
            var again = await File.ReadAllBytesAsync(Path.Combine(secondFeed, name!));
            if (!first.AsSpan().SequenceEqual(again))
            {
                AssertOnlyTheUnstableGeneratorOutputDiffers(name!, first, again);
            }
        }
    }

    private static void AssertOnlyTheUnstableGeneratorOutputDiffers(string name, byte[] first, byte[] again)
    {
        using var a = new ZipArchive(new MemoryStream(first));
        using var b = new ZipArchive(new MemoryStream(again));
        Assert.Equal(a.Entries.Select(e => (e.FullName, e.LastWriteTime)), b.Entries.Select(e => (e.FullName, e.LastWriteTime)));
        foreach (var entry in a.Entries)
        {
            var x = Read(entry);
            var y = Read(b.GetEntry(entry.FullName)!);
            if (x.AsSpan().SequenceEqual(y))
            {
                continue;
            }

            switch (entry.FullName)
            {
                case "lib/net10.0/Tracing.Sdk.pdb":
                    Assert.Equal([UnstableGeneratedSource], DocumentsThatDiffer(x, y));
                    break;
                case "lib/net10.0/Tracing.Sdk.dll":
                    Assert.Equal(x.Length, y.Length);
                    Assert.InRange(x.Zip(y).Count(p => p.First != p.Second), 1, IdBytes);
                    break;
                default:
                    Assert.Fail($"{name}: {entry.FullName} differs between two packs of the same commit.");
                    break;
            }
        }
    }

    /// <summary>The file names of the PDB's documents whose checksum differs between the two PDBs.</summary>
    private static IReadOnlyList<string> DocumentsThatDiffer(byte[] first, byte[] again)
    {
        var x = Checksums(first);
        var y = Checksums(again);
        Assert.Equal(x.Keys.Order(), y.Keys.Order());
        return x.Where(d => d.Value != y[d.Key]).Select(d => Path.GetFileName(d.Key)).ToList();
    }

    private static Dictionary<string, string> Checksums(byte[] pdb)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var reader = provider.GetMetadataReader();
        return reader.Documents.Select(reader.GetDocument).ToDictionary(d => reader.GetString(d.Name), d => Convert.ToHexString(reader.GetBlobBytes(d.Hash)));
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using System.IO.Compression;
using System.Xml.Linq;

namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>A .nupkg or .snupkg read as NuGet reads it: a zip with a nuspec.</summary>
internal sealed class PackageFile
{
    private PackageFile(string path, IReadOnlyList<string> entries, XElement metadata)
    {
        Path = path;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyList<string> Entries { get; }

    public XElement Metadata { get; }

    public static PackageFile Open(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return new PackageFile(path, zip.Entries.Select(e => e.FullName).ToList(), metadata);
    }

    public string? Value(string element) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == element)?.Value;

    public XElement? Element(string element) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == element);

    /// <summary>Dependencies per target framework: id → version range as written in the nuspec.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Dependencies =>
        (Element("dependencies")?.Elements() ?? [])
            .ToDictionary(
                g => (string)g.Attribute("targetFramework")!,
                g => (IReadOnlyDictionary<string, string>)g.Elements().ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!));

    /// <summary>Framework references per target framework.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FrameworkReferences =>
        (Element("frameworkReferences")?.Elements() ?? [])
            .ToDictionary(
                g => (string)g.Attribute("targetFramework")!,
                g => (IReadOnlyList<string>)g.Elements().Select(f => (string)f.Attribute("name")!).ToList());

    public byte[] ReadEntry(string name)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>
/// A dotnet root like a runtime-only image (mcr.microsoft.com/dotnet/runtime): the <c>dotnet</c> host,
/// <c>host/fxr</c> and <c>shared/Microsoft.NETCore.App</c>, copied from the SDK this test runs on, and no
/// <c>Microsoft.AspNetCore.App</c>. An app that needs ASP.NET Core cannot start on it.
/// </summary>
internal sealed class RuntimeOnlyDotnetRoot
{
    private RuntimeOnlyDotnetRoot(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string Dotnet => Path.Combine(Root, "dotnet");

    public static RuntimeOnlyDotnetRoot Assemble(string directory)
    {
        // This process runs on the machine's shared framework: <root>/shared/Microsoft.NETCore.App/<version>/.
        var framework = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var sdkRoot = framework.Parent!.Parent!.Parent!.FullName;
        var version = framework.Name;

        File.Copy(Path.Combine(sdkRoot, "dotnet"), Path.Combine(directory, "dotnet"));
        CopyDirectory(Path.Combine(sdkRoot, "host", "fxr"), Path.Combine(directory, "host", "fxr"));
        CopyDirectory(framework.FullName, Path.Combine(directory, "shared", "Microsoft.NETCore.App", version));
        return new RuntimeOnlyDotnetRoot(directory);
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var child in Directory.GetDirectories(source))
        {
            CopyDirectory(child, Path.Combine(destination, Path.GetFileName(child)));
        }
    }
}

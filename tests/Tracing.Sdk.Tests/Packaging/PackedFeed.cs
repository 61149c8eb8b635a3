using Tracing.Sdk.Tests.Support.Packaging;

namespace Tracing.Sdk.Tests.Packaging;

/// <summary>
/// The packages of the repository's HEAD, packed once per test run from a fresh clone into a temporary
/// local feed, at a version no real release uses (0.0.0-ci.&lt;commit&gt;.&lt;time&gt;). Beside the feed, a
/// nuget.config that adds it to the machine's configured sources, for apps created under <see cref="AppsDirectory"/>.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["Tracing.Sdk", "Tracing.Sdk.AspNetCore", "Tracing.Sdk.Grpc", "Tracing.Sdk.Prometheus"];

    public string Root { get; } = Directory.CreateTempSubdirectory("tracing-sdk-packaging-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string CloneDirectory => Path.Combine(Root, "clone");

    public string AppsDirectory => Path.Combine(Root, "apps");

    public string Version { get; private set; } = string.Empty;

    public string Commit { get; private set; } = string.Empty;

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolsPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    public async Task InitializeAsync()
    {
        Commit = await RepositoryClone.HeadCommitAsync();
        Version = $"0.0.0-ci.{Commit[..12]}.{DateTime.UtcNow:yyyyMMddHHmmss}";
        await RepositoryClone.PackHeadAsync(CloneDirectory, Feed, Version);

        // No <clear/>: the machine's own sources (user-level NuGet.Config) stay, the feed is added.
        Directory.CreateDirectory(AppsDirectory);
        await File.WriteAllTextAsync(Path.Combine(AppsDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tracing-sdk-ci" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    public Task DisposeAsync()
    {
        TryDelete(Root);

        // The consumer apps' restores copied this run's packages into the global packages folder: remove them.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            TryDelete(Path.Combine(globalPackages, id.ToLowerInvariant(), Version));
        }

        return Task.CompletedTask;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temporary folder left behind is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

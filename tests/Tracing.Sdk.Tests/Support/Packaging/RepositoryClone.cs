namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>
/// A fresh clone of the repository's HEAD, packed as a release would be: only committed files, built from
/// scratch (obj and bin of its own), with the original's git remote (or none, when it has none) so the
/// packages say what the original would.
/// </summary>
internal static class RepositoryClone
{
    private static readonly TimeSpan GitTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(12);

    /// <summary>The repository under test: the folder holding Tracing.Sdk.sln.</summary>
    public static string RepositoryRoot { get; } = Directory.GetParent(NodePeer.PeersDirectory)!.Parent!.FullName;

    public static async Task<string> HeadCommitAsync() =>
        (await RunGitAsync(RepositoryRoot, "rev-parse", "HEAD")).Trim();

    /// <summary>The URL of the repository's remote 'origin', or null when it has none.</summary>
    public static async Task<string?> OriginUrlAsync()
    {
        var remotes = (await RunGitAsync(RepositoryRoot, "remote")).Split('\n', StringSplitOptions.TrimEntries);
        return remotes.Contains("origin") ? (await RunGitAsync(RepositoryRoot, "remote", "get-url", "origin")).Trim() : null;
    }

    /// <summary>Clones HEAD into <paramref name="directory"/> and packs every package into <paramref name="feed"/>.</summary>
    public static async Task PackHeadAsync(string directory, string feed, string version)
    {
        var commit = await HeadCommitAsync();
        await RunGitAsync(RepositoryRoot, "clone", "--quiet", "--no-checkout", RepositoryRoot, directory);
        await RunGitAsync(directory, "checkout", "--quiet", "--detach", commit);
        var origin = await OriginUrlAsync();
        if (origin is null)
        {
            await RunGitAsync(directory, "remote", "remove", "origin");
        }
        else
        {
            await RunGitAsync(directory, "remote", "set-url", "origin", origin);
        }

        await DotnetCli.RunAsync(directory, PackTimeout, "pack", "Tracing.Sdk.Packages.slnf", "-o", feed, $"-p:Version={version}");
    }

    private static Task<string> RunGitAsync(string workingDirectory, params string[] arguments) =>
        DotnetCli.RunAsync("git", workingDirectory, GitTimeout, new Dictionary<string, string>(), arguments);
}

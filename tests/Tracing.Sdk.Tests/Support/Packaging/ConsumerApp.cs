using System.Text.Json.Nodes;

namespace Tracing.Sdk.Tests.Support.Packaging;

/// <summary>
/// An app made as a user makes one: <c>dotnet new &lt;template&gt;</c>, <c>dotnet add package</c> by version
/// from the local feed, the one line <c>builder.Services.AddTracing();</c> after the builder, then built.
/// </summary>
internal sealed class ConsumerApp
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(6);

    private ConsumerApp(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    public string Name { get; }

    public string Directory { get; }

    public string Dll => Path.Combine(Directory, "bin", "Release", "net10.0", $"{Name}.dll");

    /// <summary>The shared frameworks the built app asks for at start (its runtimeconfig.json).</summary>
    public IReadOnlyList<string> Frameworks
    {
        get
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(Dll, ".runtimeconfig.json")))!["runtimeOptions"]!;
            var frameworks = config["frameworks"]?.AsArray().Select(f => (string)f!["name"]!) ?? [(string)config["framework"]!["name"]!];
            return frameworks.ToList();
        }
    }

    /// <summary>
    /// Creates the app under <paramref name="parent"/> (whose nuget.config names the local feed), adds
    /// <paramref name="packages"/> at <paramref name="version"/>, inserts the one line, lets
    /// <paramref name="customize"/> write the app's own code, and builds it.
    /// </summary>
    public static async Task<ConsumerApp> CreateAsync(
        string parent, string template, string name, string version, IReadOnlyList<string> packages, Action<string>? customize = null)
    {
        var app = new ConsumerApp(name, Path.Combine(parent, name));
        await DotnetCli.RunAsync(parent, CliTimeout, "new", template, "--name", name, "--output", app.Directory, "--no-restore");
        foreach (var package in packages)
        {
            await DotnetCli.RunAsync(app.Directory, CliTimeout, "add", "package", package, "--version", version);
        }

        AddTheOneLine(Path.Combine(app.Directory, "Program.cs"));
        customize?.Invoke(app.Directory);
        await DotnetCli.RunAsync(app.Directory, CliTimeout, "build", "--configuration", "Release");
        return app;
    }

    /// <summary>README's one line, right after the template's <c>var builder = …;</c>.</summary>
    private static void AddTheOneLine(string program)
    {
        var lines = File.ReadAllLines(program).ToList();
        var builder = lines.FindIndex(l => l.TrimStart().StartsWith("var builder = ", StringComparison.Ordinal));
        Assert.True(builder >= 0, $"The template's Program.cs has no 'var builder = ' line:\n{string.Join('\n', lines)}");
        lines.Insert(builder + 1, "builder.Services.AddTracing();");
        File.WriteAllLines(program, lines);
    }
}

using System.Reflection;
using PublicApiGenerator;

namespace Tracing.Sdk.Tests.PublicApi;

/// <summary>
/// The public surface of each package is reviewed: it must equal the checked-in baseline. A change to
/// it is a change to that package's baseline in the same commit, where a reviewer sees it.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => new() { "Tracing.Sdk", "Tracing.Sdk.AspNetCore", "Tracing.Sdk.Grpc", "Tracing.Sdk.Prometheus" };

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicSurface_MatchesTheApprovedBaseline(string package)
    {
        var actual = Assembly.Load(package).GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes =
            [
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
            ],
            // The entry points live in the framework's namespaces so that they are found without a using.
            AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection", "Microsoft.AspNetCore.Builder"],
        }).ReplaceLineEndings("\n");
        var baselinePath = Path.Combine(AppContext.BaseDirectory, "PublicApi", $"{package}.approved.txt");
        var approved = File.Exists(baselinePath) ? File.ReadAllText(baselinePath).ReplaceLineEndings("\n") : string.Empty;

        if (actual != approved)
        {
            // Leave the new surface next to the test output for review (it is not copied over the baseline).
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "PublicApi", $"{package}.received.txt"), actual);
        }

        Assert.Equal(approved, actual);
    }
}

using PublicApiGenerator;

namespace Tracing.Sdk.Tests.PublicApi;

/// <summary>
/// The public surface is reviewed: it must equal the checked-in baseline. A change to it is a change
/// to this file's baseline in the same commit, where a reviewer sees it.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicSurface_MatchesTheApprovedBaseline()
    {
        var actual = typeof(TracingOptions).Assembly.GeneratePublicApi(new ApiGeneratorOptions
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
        var baselinePath = Path.Combine(AppContext.BaseDirectory, "PublicApi", "Tracing.Sdk.approved.txt");
        var approved = File.ReadAllText(baselinePath).ReplaceLineEndings("\n");

        if (actual != approved)
        {
            // Leave the new surface next to the test output for review (it is not copied over the baseline).
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "PublicApi", "Tracing.Sdk.received.txt"), actual);
        }

        Assert.Equal(approved, actual);
    }
}

using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;

namespace Tracing.Sdk.Tests.Runtime;

/// <summary>
/// The suite runs once per target framework, each on its own runtime: net10.0 on the machine's shared
/// framework, net8.0 self-contained on the 8.0 runtime packs from NuGet. These tests prove which runtime
/// actually ran the other tests, so a .NET 8 run that silently rolled forward to 10 would fail here.
/// </summary>
public sealed class TargetRuntimeTests
{
#if NET10_0
    private const int ExpectedMajor = 10;
#elif NET8_0
    private const int ExpectedMajor = 8;
#endif

    [Fact]
    public void TheRuntimeIsTheOneOfTheTargetFramework()
    {
        Assert.Equal(ExpectedMajor, Environment.Version.Major);
        Assert.StartsWith($".NET {ExpectedMajor}.", RuntimeInformation.FrameworkDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void AspNetCoreIsTheOneOfTheTargetFramework()
    {
        Assert.Equal(ExpectedMajor, typeof(WebApplication).Assembly.GetName().Version!.Major);
    }

#if NET8_0
    [Fact]
    public void TheNet8RunIsSelfContained_SoNoSystemWideRuntimeIsNeeded()
    {
        // Self-contained: the core library is loaded from the test's own output, not from a dotnet/shared folder.
        var coreLibrary = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(coreLibrary));
    }
#endif
}

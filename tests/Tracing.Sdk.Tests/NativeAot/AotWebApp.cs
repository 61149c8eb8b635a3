namespace Tracing.Sdk.Tests.NativeAot;

/// <summary>
/// The source of a minimal API app as a user would write it for Native AOT (<c>CreateSlimBuilder</c>,
/// <c>PublishAot</c>), with the one line <c>builder.Services.AddTracing()</c>, referencing the SDK's
/// projects in <c>src/</c>. It serves <c>/orders/{id}</c>, <c>/boom</c> (throws; the developer exception
/// page answers in Development) and <c>/call</c> (an HttpClient call to <c>/orders/7</c>), prints
/// <c>READY &lt;url&gt;</c> once listening and stops cleanly when a line arrives on standard input.
/// </summary>
internal static class AotWebApp
{
    public const string Name = "AotOrders";

    /// <summary>Writes the project and its Program.cs into <paramref name="directory"/>.</summary>
    public static void WriteTo(string directory, string repositoryRoot)
    {
        Directory.CreateDirectory(directory);
        var reference = Path.Combine(repositoryRoot, "src", "Tracing.Sdk.AspNetCore", "Tracing.Sdk.AspNetCore.csproj");
        File.WriteAllText(Path.Combine(directory, Name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <PublishAot>true</PublishAot>
                <InvariantGlobalization>true</InvariantGlobalization>
                <!-- One warning per trim/AOT problem, each naming its assembly, rather than one per package. -->
                <TrimmerSingleWarn>false</TrimmerSingleWarn>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{reference}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Tracing.Sdk;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddTracing();
            var app = builder.Build();

            app.MapGet("/orders/{id}", (int id) => $"order {id}");
            app.MapGet("/boom", string () => throw new InvalidOperationException("out of stock"));
            app.MapGet("/call", async (HttpContext context) =>
            {
                using var client = new HttpClient();
                return await client.GetStringAsync($"{context.Request.Scheme}://{context.Request.Host}/orders/7?token=abc");
            });

            await app.StartAsync();
            Console.WriteLine("READY " + app.Urls.First());
            _ = Task.Run(async () =>
            {
                await Console.In.ReadLineAsync();
                await app.StopAsync();
            });
            await app.WaitForShutdownAsync();
            """);
    }
}

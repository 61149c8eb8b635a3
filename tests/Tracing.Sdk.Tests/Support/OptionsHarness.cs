using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Tests.Support;

/// <summary>Resolves <see cref="TracingOptions"/> from each layer (section, OTEL_* variables, code) without starting a host.</summary>
public static class OptionsHarness
{
    public static ServiceProvider BuildProvider(
        IDictionary<string, string?>? section = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<TracingOptions>? code = null,
        string environmentName = "Production")
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(section ?? new Dictionary<string, string?>()).Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environmentName, ApplicationName = "Tests" });
        if (code is null)
        {
            services.AddTracing();
        }
        else
        {
            services.AddTracing(code);
        }

        services.UseOtelEnvironment(environment);
        return services.BuildServiceProvider();
    }

    public static TracingOptions Resolve(
        IDictionary<string, string?>? section = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<TracingOptions>? code = null,
        string environmentName = "Production")
    {
        using var provider = BuildProvider(section, environment, code, environmentName);
        return provider.GetRequiredService<IOptions<TracingOptions>>().Value;
    }

    /// <summary>The validation failure message for the given layers, or null when they are valid.</summary>
    public static string? ValidationError(
        IDictionary<string, string?>? section = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<TracingOptions>? code = null)
    {
        try
        {
            Resolve(section, environment, code);
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }
}

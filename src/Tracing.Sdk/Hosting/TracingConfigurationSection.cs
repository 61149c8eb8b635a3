using Microsoft.Extensions.Configuration;

namespace Tracing.Sdk.Hosting;

/// <summary>A configuration section given to <c>AddTracing(IConfiguration)</c>, bound instead of the app's <c>Tracing</c> section.</summary>
internal sealed class TracingConfigurationSection(IConfiguration section)
{
    public IConfiguration Section { get; } = section;
}

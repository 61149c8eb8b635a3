using System.Net;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.AspNetCore;

/// <summary>Start-up checks of <see cref="AspNetCoreTracingOptions"/>.</summary>
internal static class AspNetCoreOptionsValidation
{
    public static readonly string[] IncomingContextModes = ["continue", "restart", "ignore"];

    public static void Validate(AspNetCoreTracingOptions options, string key, ICollection<string> errors)
    {
        OptionChecks.OneOf(options.IncomingContext, IncomingContextModes, $"{key}:IncomingContext", errors);

        var paths = options.ExcludePaths ?? [];
        for (var i = 0; i < paths.Count; i++)
        {
            if (string.IsNullOrEmpty(paths[i]) || paths[i][0] != '/')
            {
                errors.Add($"{key}:ExcludePaths:{i}='{paths[i]}' must start with '/'.");
            }
        }

        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedNetworks[i]?.Trim() ?? string.Empty, out _))
            {
                errors.Add($"{key}:TrustedNetworks:{i}='{options.TrustedNetworks[i]}' is not a CIDR range such as 10.0.0.0/8 or fd00::/8.");
            }
        }
    }
}

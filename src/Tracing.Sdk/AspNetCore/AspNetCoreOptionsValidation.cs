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

        CheckHeaders(options.CaptureRequestHeaders, $"{key}:CaptureRequestHeaders", errors);
        CheckHeaders(options.CaptureResponseHeaders, $"{key}:CaptureResponseHeaders", errors);

        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedNetworks[i]?.Trim() ?? string.Empty, out _))
            {
                errors.Add($"{key}:TrustedNetworks:{i}='{options.TrustedNetworks[i]}' is not a CIDR range such as 10.0.0.0/8 or fd00::/8.");
            }
        }
    }

    private static void CheckHeaders(IList<string> names, string key, ICollection<string> errors)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                errors.Add($"{key}:{i} is empty.");
            }
            else if (CapturedHeaderRules.IsForbidden(names[i]))
            {
                errors.Add($"{key}:{i}='{names[i]}' is never recorded (credentials and cookies stay out of spans).");
            }
        }
    }
}

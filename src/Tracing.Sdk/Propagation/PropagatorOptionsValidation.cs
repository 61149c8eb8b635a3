using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Propagation;

/// <summary>Start-up checks of <see cref="TracingOptions.Propagators"/>.</summary>
internal static class PropagatorOptionsValidation
{
    public static void Validate(TracingOptions options, string key, ICollection<string> errors) =>
        OptionChecks.NameList(options.Propagators, PropagatorNames.All, PropagatorNames.None, $"{key}:Propagators", errors);
}

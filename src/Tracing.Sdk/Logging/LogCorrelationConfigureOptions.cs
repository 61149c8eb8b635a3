using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tracing.Sdk.Logging;

/// <summary>
/// Log correlation: turns on the logger factory's activity tracking (TraceId, SpanId, ParentId), so
/// every <see cref="ILogger"/> scope written inside a span carries its ids with no extra call — unless
/// tracing is disabled, which leaves log scopes as the app had them.
/// </summary>
internal sealed class LogCorrelationConfigureOptions(IOptions<TracingOptions> tracing) : IConfigureOptions<LoggerFactoryOptions>
{
    public void Configure(LoggerFactoryOptions options)
    {
        if (IsEnabled())
        {
            options.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId;
        }
    }

    private bool IsEnabled()
    {
        try
        {
            return tracing.Value.Enabled;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            // The logger factory is built with the host, before options are validated at start: a bad
            // value must fail the start with its own message (naming key and value), not logging.
            return true;
        }
    }
}

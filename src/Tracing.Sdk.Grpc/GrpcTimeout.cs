using System.Globalization;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Reads the <c>grpc-timeout</c> request header: at most eight ASCII digits and a unit,
/// <c>H</c>ours, <c>M</c>inutes, <c>S</c>econds, <c>m</c>illiseconds, <c>u</c>microseconds or
/// <c>n</c>anoseconds (PROTOCOL-HTTP2.md, "Timeout").
/// </summary>
internal static class GrpcTimeout
{
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        value = value.Trim();
        if (value.Length is < 2 or > 9
            || !long.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * 10,
            'n' => amount / 100,
            _ => null,
        };

        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }
}

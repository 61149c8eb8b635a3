namespace Tracing.Sdk.Exporters.Batching;

/// <summary>The <c>reason</c> tag values of <c>tracing.sdk.spans.dropped</c>, one per <see cref="DropReason"/>.</summary>
internal static class DropReasons
{
    public const string QueueFull = "queue_full";
    public const string ExportFailed = "export_failed";
    public const string ShutdownTimeout = "shutdown_timeout";
    public const string AlreadyShutdown = "already_shutdown";
    public const string TooLarge = "too_large";
    public const string SocketFailure = "socket_failure";
    public const string EncodingFailure = "encoding_failure";

    /// <summary>Every reason, in <see cref="DropReason"/> order.</summary>
    public static readonly DropReason[] All = Enum.GetValues<DropReason>();

    private static readonly string[] s_names =
        [QueueFull, ExportFailed, ShutdownTimeout, AlreadyShutdown, TooLarge, SocketFailure, EncodingFailure];

    public static string Name(DropReason reason) => s_names[(int)reason];

    /// <summary>
    /// Whether the span was handed to the exporter and lost there: such spans also count as
    /// <c>tracing.sdk.spans.exported</c> with <c>outcome=failure</c>, and they are what an export failure
    /// streak (one log line when it starts, one when it ends) reports.
    /// </summary>
    public static bool IsExporterFailure(DropReason reason) =>
        reason is DropReason.ExportFailed or DropReason.SocketFailure or DropReason.EncodingFailure;
}

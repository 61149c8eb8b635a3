namespace Tracing.Sdk.Propagation;

/// <summary>
/// The room one incoming baggage carrier gets, the same for every format that carries baggage (W3C
/// <c>baggage</c>, Jaeger <c>uberctx-{key}</c> headers): 180 members, 4096 bytes per member, 8192 bytes
/// in all. These are OpenTelemetry's reading of W3C Baggage §3.3.4 ("Limits": a platform MUST propagate
/// at least 64 members and 8192 bytes, and MAY drop members beyond its limits). A member is measured as
/// W3C Baggage writes it, <c>key=value</c> in UTF-8 as received, plus one byte for its separator. A member
/// that does not fit is left out on its own; the caller counts it with <see cref="Refusal"/>'s reason.
/// </summary>
internal struct BaggageLimits
{
    public const int MaxMembers = 180;
    public const int MaxMemberBytes = 4096;
    public const int MaxTotalBytes = 8192;

    /// <summary>Reason tag: the carrier already gave <see cref="MaxMembers"/> members.</summary>
    public const string MemberCount = "member_count";

    /// <summary>Reason tag: the member alone is over <see cref="MaxMemberBytes"/>.</summary>
    public const string MemberSize = "member_size";

    /// <summary>Reason tag: the member would take the carrier's baggage over <see cref="MaxTotalBytes"/>.</summary>
    public const string TotalSize = "total_size";

    private int _members;
    private int _bytes;

    /// <summary>Why a member of <paramref name="bytes"/> bytes does not fit, or <see langword="null"/> when it does.</summary>
    public readonly string? Refusal(int bytes) =>
        _members >= MaxMembers ? MemberCount
        : bytes > MaxMemberBytes ? MemberSize
        : _bytes + bytes > MaxTotalBytes ? TotalSize
        : null;

    /// <summary>Gives a member that fits (see <see cref="Refusal"/>) its room.</summary>
    public void Take(int bytes)
    {
        _members++;
        _bytes += bytes + 1;
    }
}

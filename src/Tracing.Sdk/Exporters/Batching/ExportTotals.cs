namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// What has happened so far to the spans given to one exporter's batch processor. Behind the
/// processor, <see cref="Received"/> = <see cref="Exported"/> + <see cref="Dropped"/> +
/// <see cref="Queued"/> + <see cref="InFlight"/> (exactly once the pipeline is quiet; a snapshot
/// taken while spans move may count a span twice, never zero times).
/// </summary>
internal readonly record struct ExportTotals(
    long Received,
    long Exported,
    IReadOnlyList<long> DroppedByReason,
    long Queued,
    long InFlight,
    long Retries)
{
    public long Dropped => DroppedByReason.Sum();

    public long DroppedFor(DropReason reason) => DroppedByReason[(int)reason];

    /// <summary>Whether every received span is accounted for exactly once.</summary>
    public bool Balanced => Received == Exported + Dropped + Queued + InFlight;

    public override string ToString()
    {
        var dropped = DroppedByReason;
        var reasons = string.Join(", ", DropReasons.All.Where(r => dropped[(int)r] > 0).Select(r => $"{DropReasons.Name(r)}={dropped[(int)r]}"));
        return $"received={Received} exported={Exported} dropped={Dropped} ({reasons}) queued={Queued} in_flight={InFlight} retries={Retries}";
    }
}

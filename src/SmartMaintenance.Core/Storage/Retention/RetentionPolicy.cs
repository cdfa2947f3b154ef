namespace SmartMaintenance.Storage.Retention;

/// <summary>
/// How long a tenant keeps its readings: raw readings <see cref="RawDays"/> days, minute roll-ups
/// <see cref="MinuteRollupDays"/> and hour roll-ups <see cref="HourRollupDays"/> days (null: forever), each at least as long
/// as the one before, so a coarser view never ends before a finer one. With <see cref="ExportDropped"/>, the raw readings a
/// run removes are written to a gzipped CSV file in the data folder first. A tenant without a policy keeps everything.
/// </summary>
public sealed record RetentionPolicy(
    long TenantId, int RawDays, int? MinuteRollupDays, int? HourRollupDays, bool ExportDropped, string UpdatedBy, DateTimeOffset UpdatedAt,
    RetentionRun? LastRun = null)
{
    /// <summary>The longest period a policy may name (a hundred years).</summary>
    public const int MaxDays = 36_500;

    /// <summary>The figures' problems by field as the API names them; empty when the policy holds.</summary>
    /// <param name="rawDays">Days raw readings are kept: required, 1 to <see cref="MaxDays"/>.</param>
    /// <param name="minuteRollupDays">Days minute roll-ups are kept, at least <paramref name="rawDays"/>; null keeps them forever.</param>
    /// <param name="hourRollupDays">Days hour roll-ups are kept, at least <paramref name="minuteRollupDays"/>; null keeps them forever.</param>
    public static Dictionary<string, string[]> Problems(int? rawDays, int? minuteRollupDays, int? hourRollupDays)
    {
        var problems = new Dictionary<string, string[]>();
        if (rawDays is not (>= 1 and <= MaxDays))
        {
            problems["raw_days"] = [$"raw_days is required: a whole number of days from 1 to {MaxDays}."];
        }

        if (minuteRollupDays is { } minute && (minute > MaxDays || minute < (rawDays ?? 1)))
        {
            problems["minute_rollup_days"] = [$"minute_rollup_days must be at least raw_days ({rawDays}) and at most {MaxDays}, or null to keep them forever."];
        }

        if (hourRollupDays is { } hour && minuteRollupDays is null)
        {
            problems["hour_rollup_days"] = ["hour_rollup_days must be null (forever) while minute roll-ups are kept forever: hour roll-ups are kept at least as long."];
        }
        else if (hourRollupDays is { } h && (h > MaxDays || h < minuteRollupDays))
        {
            problems["hour_rollup_days"] = [$"hour_rollup_days must be at least minute_rollup_days ({minuteRollupDays}) and at most {MaxDays}, or null to keep them forever."];
        }

        return problems;
    }

    /// <summary>The moments before which this policy removes each kind of data, at <paramref name="now"/>.</summary>
    /// <param name="now">When the run starts.</param>
    public RetentionCutoffs CutoffsAt(DateTimeOffset now) => new(
        now.AddDays(-RawDays),
        MinuteRollupDays is { } minute ? now.AddDays(-minute) : null,
        HourRollupDays is { } hour ? now.AddDays(-hour) : null);
}

/// <summary>
/// Data strictly before these moments goes: raw readings by timestamp, roll-up buckets only when they end at or before
/// their cut-off (null: kept). A reading exactly at the cut-off stays.
/// </summary>
public sealed record RetentionCutoffs(DateTimeOffset Raw, DateTimeOffset? MinuteRollups, DateTimeOffset? HourRollups);

/// <summary>
/// What one run removed for a tenant: its cut-offs, how many raw readings and roll-up buckets went (and of the readings, how
/// many with whole partitions dropped), the export file (relative to the data folder) and, when it failed, why.
/// </summary>
public sealed record RetentionRun(
    DateTimeOffset At, string Trigger, RetentionCutoffs Cutoffs, long RawReadings, long PartitionReadings, long MinuteRollups, long HourRollups,
    string? ExportFile, string? Error)
{
    /// <summary>Started by the background worker.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Started by a person through the API.</summary>
    public const string Manual = "manual";

    public bool DroppedAnything => RawReadings + MinuteRollups + HourRollups > 0;
}

/// <summary>Retention policies per tenant and each one's last run.</summary>
public interface IRetentionPolicyStore
{
    Task<RetentionPolicy?> FindAsync(long tenantId, CancellationToken cancellationToken);

    /// <summary>Every tenant's policy, by tenant.</summary>
    Task<IReadOnlyList<RetentionPolicy>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces the tenant's policy; its last run is kept.</summary>
    Task SetAsync(RetentionPolicy policy, CancellationToken cancellationToken);

    /// <summary>Removes the policy (the tenant keeps everything from now on); false when it had none.</summary>
    Task<bool> DeleteAsync(long tenantId, CancellationToken cancellationToken);

    /// <summary>Records the tenant's last run beside its policy (nothing when the policy is gone meanwhile).</summary>
    Task SaveRunAsync(long tenantId, RetentionRun run, CancellationToken cancellationToken);
}

using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Retention;

/// <summary>
/// Tenants' retention policies and their runs: setting and removing a policy (audited as
/// <see cref="AgentEventTypes.RetentionPolicyChanged"/>), and removing what each policy lets go — raw readings, then minute
/// and hour roll-ups by their own cut-offs — with the dropped raw readings exported first when the policy asks. A run that
/// removed something, or failed, is audited as <see cref="AgentEventTypes.RetentionApplied"/> and kept as the policy's last
/// run. One run at a time per process, and per database across nodes (<see cref="IReadingRetention.LockRunAsync"/>).
/// </summary>
/// <param name="policies">Where policies and last runs are kept.</param>
/// <param name="readings">The reading store's removal steps.</param>
/// <param name="catalog">The tenants' sensors.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="time">The clock cut-offs are counted back from.</param>
/// <param name="dataDir">The data folder; exports go under its <c>retention</c> folder.</param>
/// <param name="logger">Where failed runs are told.</param>
public sealed class ReadingRetention(
    IRetentionPolicyStore policies, IReadingRetention readings, ICatalogStore catalog, IEventLog audit, TimeProvider time, string dataDir,
    ILogger<ReadingRetention> logger) : IDisposable
{
    /// <summary>Correlation id of every retention entry: a tenant's retention history is one query.</summary>
    public const string Correlation = "retention";

    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    public Task<RetentionPolicy?> FindAsync(long tenantId, CancellationToken cancellationToken) => policies.FindAsync(tenantId, cancellationToken);

    /// <summary>Sets the tenant's policy (figures checked by <see cref="RetentionPolicy.Problems"/> first) and audits who did it.</summary>
    /// <param name="policy">The policy; its last run is ignored.</param>
    /// <param name="cancellationToken">Stops the change.</param>
    public async Task<RetentionPolicy> SetAsync(RetentionPolicy policy, CancellationToken cancellationToken)
    {
        await policies.SetAsync(policy, cancellationToken);
        await audit.RecordAsync(policy.TenantId, AgentEventTypes.RetentionPolicyChanged, Correlation, policy.UpdatedBy,
            new RetentionPolicyChanged("set", policy.RawDays, policy.MinuteRollupDays, policy.HourRollupDays, policy.ExportDropped));
        return await policies.FindAsync(policy.TenantId, cancellationToken) ?? policy;
    }

    /// <summary>Removes the tenant's policy (it keeps everything from now on); false when it had none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="actor">Who removed it.</param>
    /// <param name="cancellationToken">Stops the change.</param>
    public async Task<bool> DeleteAsync(long tenantId, string actor, CancellationToken cancellationToken)
    {
        if (!await policies.DeleteAsync(tenantId, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(tenantId, AgentEventTypes.RetentionPolicyChanged, Correlation, actor, new RetentionPolicyChanged("removed", null, null, null, null));
        return true;
    }

    /// <summary>Runs every tenant's policy (the scheduled run); the runs by tenant.</summary>
    /// <param name="cancellationToken">Stops between steps; what was removed stays removed.</param>
    public async Task<IReadOnlyDictionary<long, RetentionRun>> RunAllAsync(CancellationToken cancellationToken) =>
        await RunAsync(await policies.ListAsync(cancellationToken), RetentionRun.Scheduled, AgentNames.Retention, cancellationToken);

    /// <summary>Runs one tenant's policy now; null when it has none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="actor">Who asked for the run.</param>
    /// <param name="cancellationToken">Stops between steps; what was removed stays removed.</param>
    public async Task<RetentionRun?> RunAsync(long tenantId, string actor, CancellationToken cancellationToken) =>
        await policies.FindAsync(tenantId, cancellationToken) is { } policy
            ? (await RunAsync([policy], RetentionRun.Manual, actor, cancellationToken))[tenantId]
            : null;

    private async Task<Dictionary<long, RetentionRun>> RunAsync(
        IReadOnlyList<RetentionPolicy> list, string trigger, string actor, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var turn = await readings.LockRunAsync(cancellationToken);
            var now = time.GetUtcNow();
            var cutoffs = list.ToDictionary(p => p.TenantId, p => p.CutoffsAt(now));
            var whole = await readings.DropWholeAsync(
                list.ToDictionary(p => p.TenantId, p => new RawCutoff(UnixMicros.From(cutoffs[p.TenantId].Raw), p.ExportDropped)), cancellationToken);
            var runs = new Dictionary<long, RetentionRun>();
            foreach (var policy in list)
            {
                var partitionReadings = whole.GetValueOrDefault(policy.TenantId);
                var run = await RunTenantAsync(policy, cutoffs[policy.TenantId], now, trigger, partitionReadings, cancellationToken);
                runs[policy.TenantId] = run;
                await policies.SaveRunAsync(policy.TenantId, run, cancellationToken);
                if (run.DroppedAnything || run.Error is not null)
                {
                    await audit.RecordAsync(policy.TenantId, AgentEventTypes.RetentionApplied, Correlation, actor, run);
                }
            }

            return runs;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RetentionRun> RunTenantAsync(
        RetentionPolicy policy, RetentionCutoffs cutoffs, DateTimeOffset now, string trigger, long partitionReadings, CancellationToken cancellationToken)
    {
        var tenantId = policy.TenantId;
        var (raw, minutes, hours) = (0L, 0L, 0L);
        DroppedReadingsFile? file = null;
        string? error = null;
        try
        {
            var sensors = (await catalog.ListSensorsAsync(tenantId, null, cancellationToken)).ToDictionary(s => s.Key);
            DroppingReadings? dropping = null;
            if (policy.ExportDropped)
            {
                dropping = async (_, rows, ct) =>
                {
                    file ??= DroppedReadingsFile.Create(dataDir, tenantId, cutoffs.Raw, now, sensors);
                    await file.WriteAsync(rows, ct);
                };
            }

            foreach (var key in sensors.Keys)
            {
                raw += await DrainAsync(limit => readings.DeleteRawAsync(tenantId, key, UnixMicros.From(cutoffs.Raw), limit, dropping, cancellationToken));
                minutes += await DeleteRollupsAsync(tenantId, key, RollupResolution.Minute, cutoffs.MinuteRollups, UnixMicros.PerMinute, cancellationToken);
                hours += await DeleteRollupsAsync(tenantId, key, RollupResolution.Hour, cutoffs.HourRollups, UnixMicros.PerHour, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // What was removed before the failure stays removed (and exported); the next run goes on from there.
            logger.LogError(ex, "Retention for tenant {Tenant} failed after removing {Raw} readings", tenantId, raw);
            error = ex.Message;
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }
        }

        return new RetentionRun(now, trigger, cutoffs, raw + partitionReadings, partitionReadings, minutes, hours, file?.RelativePath, error);
    }

    /// <summary>Roll-up buckets go only when they end at or before the cut-off: the cut-off is taken down to a bucket's start.</summary>
    private Task<long> DeleteRollupsAsync(
        long tenantId, long sensorKey, RollupResolution resolution, DateTimeOffset? cutoff, long width, CancellationToken cancellationToken)
    {
        if (cutoff is not { } at)
        {
            return Task.FromResult(0L);
        }

        var micros = UnixMicros.From(at);
        var before = micros - (((micros % width) + width) % width);
        return DrainAsync(limit => readings.DeleteRollupsAsync(tenantId, sensorKey, resolution, before, limit, cancellationToken));
    }

    /// <summary>Repeats a bounded step until it removes less than a full batch; the rows removed.</summary>
    private static async Task<long> DrainAsync(Func<int, Task<int>> step)
    {
        long total = 0;
        int removed;
        do
        {
            removed = await step(IReadingRetention.BatchRows);
            total += removed;
        }
        while (removed == IReadingRetention.BatchRows);
        return total;
    }
}

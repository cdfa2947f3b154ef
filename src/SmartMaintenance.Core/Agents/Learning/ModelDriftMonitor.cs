using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;
using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Learning;

/// <summary>How often production asset models are checked for drift, and how long after start the first time.</summary>
public sealed record DriftMonitorOptions(TimeSpan Interval, TimeSpan FirstDelay)
{
    public static DriftMonitorOptions Default { get; } = new(TimeSpan.FromHours(6), TimeSpan.FromMinutes(10));
}

/// <summary>
/// The Learning agent's schedule: every production asset model is checked for drift against its kind's assets over
/// the last day (PSI and KS per feature, <see cref="FeatureDrift"/>), each check audited (<c>ModelDriftChecked</c>).
/// When drift persists — the version's last <see cref="PersistingChecks"/> checks all drifted — and at least
/// <see cref="AssetTrainingRuns.MinFailures"/> failures were confirmed since the version was registered, it starts a
/// challenger run (<see cref="AssetTrainingRuns"/> with <c>challenge</c>): trained on the fleet's records, judged against
/// the champion on the newest lives, promoted only if better. Every check is saved (<see cref="IModelHistoryStore"/>)
/// and audited, so the rule counts checks made before a restart.
/// </summary>
public sealed class ModelDriftMonitor(
    ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, ModelRegistry registry, RegisteredModels models,
    AssetTrainingRuns training, IModelHistoryStore history, IEventLog audit, TimeProvider time, DriftMonitorOptions options,
    ILogger<ModelDriftMonitor> logger) : BackgroundService
{
    public const int PersistingChecks = 2;

    /// <summary>How many checks a list shows: the newest.</summary>
    public const int Listed = 20;

    /// <summary>The name's newest checks, newest first.</summary>
    public Task<IReadOnlyList<DriftCheck>> ChecksAsync(long tenantId, string name, CancellationToken cancellationToken) =>
        history.ListDriftChecksAsync(tenantId, name, Listed, cancellationToken);

    /// <summary>Checks the name's production version now, and starts a challenger when drift persists with new outcomes.</summary>
    public async Task<DriftCheck?> CheckAsync(long tenantId, string name, CancellationToken cancellationToken)
    {
        var (version, _) = await registry.ResolveAsync(tenantId, name, "production", cancellationToken);
        if (version is not { Kind: AssetModel.Kind, AssetKind: { } kind })
        {
            return null;
        }

        var now = time.GetUtcNow();
        var (report, error) = await models.CheckAssetDriftAsync(tenantId, name, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            catalog, readings, now, cancellationToken);
        var check = new DriftCheck(name, version.Version, now, report?.Rows ?? 0, report?.Features ?? [], error?.Detail, null, "no drift");
        List<DriftCheck> previous = [.. (await ChecksAsync(tenantId, name, cancellationToken)).Where(c => c.Version == version.Version).Take(PersistingChecks - 1)];

        if (check.Drifted)
        {
            check = check with { Decision = await DecideAsync(tenantId, version, kind, previous, cancellationToken) };
            if (check.Decision.StartsWith("retraining", StringComparison.Ordinal))
            {
                var run = await training.StartAsync(tenantId, kind, name, now - RetrainingWindow, now, AgentNames.Learning, challenge: true);
                check = check with { RetrainingRun = run.RunId };
            }
        }

        await history.SaveDriftCheckAsync(tenantId, check, cancellationToken);

        var worst = check.Features.OrderByDescending(f => f.Psi).Take(3).Select(f => new DriftedFeature(f.Feature, f.Psi, f.KsStatistic, f.Drifted)).ToList();
        await audit.RecordAsync(tenantId, AgentEventTypes.ModelDriftChecked, $"model:{name}", AgentNames.Learning, new ModelDriftChecked(
            name, check.Version, check.Rows, check.Features.Count(f => f.Drifted), worst, check.Problem, check.Decision, check.RetrainingRun));
        return check;
    }

    /// <summary>The records a retraining reads: a year, so a season's failures are not forgotten.</summary>
    public static readonly TimeSpan RetrainingWindow = TimeSpan.FromDays(365);

    private async Task<string> DecideAsync(long tenantId, ModelVersion version, string kind, List<DriftCheck> previous, CancellationToken cancellationToken)
    {
        if (previous.Count < PersistingChecks - 1 || previous.Any(c => !c.Drifted))
        {
            return "drift not yet persistent: waiting for the next check";
        }

        var assets = (await catalog.ListAssetsAsync(tenantId, null, cancellationToken))
            .Where(a => string.Equals(a.Kind, kind, StringComparison.OrdinalIgnoreCase)).Select(a => a.AssetId).ToHashSet(StringComparer.Ordinal);
        var since = UnixMicros.From(version.CreatedAt);
        var fresh = (await FleetHistories.FailuresAsync(anomalies, tenantId, assets, cancellationToken)).Values.Sum(f => f.Count(t => t > since));
        if (fresh < AssetTrainingRuns.MinFailures)
        {
            return $"drift persists, but {fresh} failure(s) were confirmed since v{version.Version}; retraining needs {AssetTrainingRuns.MinFailures}";
        }

        return (await training.ListAsync(tenantId, cancellationToken)).Any(r => r.ModelName == version.Name && !r.Finished)
            ? "drift persists; a training run of this model is already under way"
            : $"retraining: drift persists and {fresh} failure(s) were confirmed since v{version.Version}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.FirstDelay, time, stoppingToken);
            using var timer = new PeriodicTimer(options.Interval, time);
            do
            {
                foreach (var tenant in await catalog.ListTenantsAsync(stoppingToken))
                {
                    foreach (var name in (await registry.VersionsAsync(tenant.Id, stoppingToken))
                        .Where(v => v.Kind == AssetModel.Kind && v.Stage == ModelStage.Production).Select(v => v.Name).Distinct())
                    {
                        try
                        {
                            await CheckAsync(tenant.Id, name, stoppingToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            logger.LogError(ex, "The drift check of {Model} failed; the next one tries again", name);
                        }
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

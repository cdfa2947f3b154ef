using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Assets;

/// <summary>Where a training run is: waiting for the trainer, reading the fleet, training, registering, or done.</summary>
public enum TrainingRunStatus { Queued, Reading, Training, Registering, Completed, Failed }

/// <summary>One training of an asset model on a tenant's own records, as the API and the models page show it.</summary>
public sealed record TrainingRun(
    Guid RunId, long TenantId, string ModelName, string AssetKind, DateTimeOffset From, DateTimeOffset To, string RequestedBy,
    DateTimeOffset RequestedAt, TrainingRunStatus Status, double Progress, DateTimeOffset? FinishedAt = null, int? Version = null,
    string? Error = null, int? Assets = null, int? Failures = null, int? Samples = null, IReadOnlyDictionary<string, double>? Metrics = null)
{
    public bool Finished => Status is TrainingRunStatus.Completed or TrainingRunStatus.Failed;

    /// <summary>A challenger run: judged against the production version on the newest lives, promoted only if better.</summary>
    public bool Challenge { get; init; }

    /// <summary>The champion's and the challenger's average precision of "fails within the horizon" on the held-out lives.</summary>
    public Comparison? Judged { get; init; }
}

/// <summary>Champion against challenger on lives neither learned from (the newest fifth): which won, by how much.</summary>
public sealed record Comparison(int ChampionVersion, double ChampionScore, double ChallengerScore, int HeldOutLives, int HeldOutSamples, bool Promoted);

/// <summary>
/// Trains asset models on a tenant's own fleet (<see cref="FleetHistories"/>): its stored readings cut into lives at
/// the failures completed maintenance confirmed. One run at a time per process (training takes the cores); each run
/// registers its model in staging as the next version of its name, with the production version as its parent — a
/// person (or the Learning agent) promotes it. Started, completed and failed runs are audited. Each run is saved at
/// every stage it reaches (<see cref="IModelHistoryStore"/>), so runs outlive the process; one the process stopped in
/// the middle of reads as failed, saying so.
/// </summary>
public sealed class AssetTrainingRuns(
    ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, ModelRegistry registry, IModelHistoryStore history,
    IEventLog audit, TimeProvider time, ILogger<AssetTrainingRuns> logger) : IDisposable
{
    /// <summary>Fewer confirmed failures than this teach a model nothing it can be trusted with.</summary>
    public const int MinFailures = 3;

    /// <summary>The validation's folds need a failure in each: with fewer failures the model is registered unmeasured.</summary>
    public const int FoldsFrom = 5;

    /// <summary>How many runs a list shows: the newest.</summary>
    public const int Listed = 50;

    /// <summary>The reason a run saved unfinished by a process that stopped is shown with.</summary>
    public const string Interrupted = "The server stopped before this run finished; start it again.";

    // The runs under way in this process, as they move; a run that ended is read from the store.
    private readonly ConcurrentDictionary<Guid, TrainingRun> _running = new();
    private readonly SemaphoreSlim _trainer = new(1, 1);

    public void Dispose() => _trainer.Dispose();

    /// <summary>The tenant's newest runs, newest request first.</summary>
    public async Task<IReadOnlyList<TrainingRun>> ListAsync(long tenantId, CancellationToken cancellationToken) =>
        [.. (await history.ListRunsAsync(tenantId, Listed, cancellationToken)).Select(Current)];

    public async Task<TrainingRun?> FindAsync(long tenantId, Guid runId, CancellationToken cancellationToken) =>
        _running.TryGetValue(runId, out var run)
            ? run.TenantId == tenantId ? run : null
            : await history.FindRunAsync(tenantId, runId, cancellationToken) is { } stored ? Current(stored) : null;

    // A stored run as it is now: its live state while this process runs it; saved unfinished by a process that stopped, failed.
    private TrainingRun Current(TrainingRun stored) =>
        _running.TryGetValue(stored.RunId, out var live) ? live
        : stored.Finished ? stored
        : stored with { Status = TrainingRunStatus.Failed, Error = Interrupted };

    /// <summary>Queues a run and returns it; its progress is read with <see cref="FindAsync"/>.</summary>
    public async Task<TrainingRun> StartAsync(
        long tenantId, string assetKind, string name, DateTimeOffset from, DateTimeOffset to, string actor, bool challenge = false)
    {
        var run = new TrainingRun(Guid.NewGuid(), tenantId, name, assetKind, from, to, actor, time.GetUtcNow(), TrainingRunStatus.Queued, 0)
        {
            Challenge = challenge,
        };
        _running[run.RunId] = run;
        try
        {
            await history.SaveRunAsync(run, CancellationToken.None);
        }
        catch
        {
            _running.TryRemove(run.RunId, out _);
            throw;
        }

        await audit.RecordAsync(tenantId, AgentEventTypes.ModelTrainingStarted, $"training:{run.RunId:N}", actor,
            new { run.RunId, run.ModelName, run.AssetKind, run.From, run.To, run.Challenge });
        _ = Task.Run(() => RunAsync(run.RunId));
        return run;
    }

    // Only the run's own task moves it, so saves follow each other in order.
    private async Task<TrainingRun> MoveAsync(Guid runId, Func<TrainingRun, TrainingRun> change)
    {
        var run = _running.AddOrUpdate(runId, _ => throw new KeyNotFoundException(), (_, r) => change(r));
        await history.SaveRunAsync(run, CancellationToken.None);
        return run;
    }

    private async Task RunAsync(Guid runId)
    {
        await _trainer.WaitAsync();
        var run = _running[runId];
        try
        {
            run = await MoveAsync(runId, r => r with { Status = TrainingRunStatus.Reading, Progress = 0.05 });
            var champion = run.Challenge ? await ChampionAsync(run) : null;
            var fleet = await FleetHistories.ReadAsync(catalog, readings, anomalies, run.TenantId, run.AssetKind, run.From, run.To,
                CancellationToken.None, champion?.Model.Features);
            run = await MoveAsync(runId, r => r with { Assets = fleet.Assets, Failures = fleet.Failures, Samples = fleet.Samples, Progress = 0.3 });
            if (fleet.Failures < MinFailures)
            {
                throw new InvalidOperationException(fleet.Assets == 0
                    ? $"No asset of kind '{run.AssetKind}' is in the catalog."
                    : $"{fleet.Failures} confirmed failure(s) of '{run.AssetKind}' assets between {run.From:O} and {run.To:O}; at least {MinFailures} are needed " +
                      "(anomalies confirmed by completed maintenance with outcome problem_found).");
            }

            if (fleet.Samples == 0)
            {
                throw new InvalidOperationException(
                    $"No sample of '{run.AssetKind}' assets between {run.From:O} and {run.To:O}: a sample needs a week of readings behind it.");
            }

            run = await MoveAsync(runId, r => r with { Status = TrainingRunStatus.Training, Progress = 0.35 });
            var options = AssetModelTraining.Options;
            var (learnFrom, heldOut) = champion is null ? ([.. Enumerable.Range(0, fleet.ByHistory.Count)], []) : Split(fleet);
            var trained = AssetModelTraining.Train(fleet.Features, [.. learnFrom.Select(i => fleet.ByHistory[i])], options,
                fleet.Failures >= FoldsFrom ? FoldsFrom : 0);
            run = await MoveAsync(runId, r => r with { Status = TrainingRunStatus.Registering, Progress = 0.9 });
            var version = await RegisterAsync(run, trained, options);
            if (champion is not null)
            {
                run = await JudgeAsync(run, version, Compare(champion, trained.Model, fleet, heldOut));
            }

            run = await MoveAsync(runId, r => r with
            {
                Status = TrainingRunStatus.Completed,
                Progress = 1,
                FinishedAt = time.GetUtcNow(),
                Version = version.Version,
                Metrics = version.Metrics,
            });
            await audit.RecordAsync(run.TenantId, AgentEventTypes.ModelTrainingCompleted, $"training:{runId:N}", run.RequestedBy,
                new { run.RunId, run.ModelName, run.Version, run.Assets, run.Failures, run.Samples, run.Metrics });
        }
        catch (Exception e)
        {
            // Whatever stopped it, the run ends as failed with the reason, never stuck in a stage.
            run = _running[runId] with { Status = TrainingRunStatus.Failed, FinishedAt = time.GetUtcNow(), Error = e.Message };
            _running[runId] = run;
            logger.LogWarning(e, "Training run {RunId} for {Name} failed: {Error}", runId, run.ModelName, e.Message);
            try
            {
                await history.SaveRunAsync(run, CancellationToken.None);
            }
            catch (Exception saveError)
            {
                logger.LogError(saveError, "Training run {RunId}'s failure could not be saved; it will read as interrupted", runId);
            }

            await audit.RecordAsync(run.TenantId, AgentEventTypes.ModelTrainingFailed, $"training:{runId:N}", run.RequestedBy,
                new { run.RunId, run.ModelName, run.Error });
        }
        finally
        {
            _running.TryRemove(runId, out _);
            _trainer.Release();
        }
    }

    private sealed record Champion(ModelVersion Version, AssetModel Model);

    // The production version the challenger has to beat; none (an ordinary run) when the name has no production version.
    private async Task<Champion?> ChampionAsync(TrainingRun run)
    {
        if ((await registry.VersionsAsync(run.TenantId, run.ModelName, CancellationToken.None)).FirstOrDefault(v => v.Stage == ModelStage.Production)
            is not { Kind: AssetModel.Kind } production)
        {
            return null;
        }

        var (model, _) = await registry.LoadAsync<AssetModel>(production, AssetModel.Kind, CancellationToken.None);
        return new Champion(production, model);
    }

    /// <summary>
    /// The newest fifth of the lives (by when they ended, at least one failed life among them) are held out: the
    /// challenger is trained without them, and a champion trained earlier has most likely not seen them either (one
    /// trained on the same window has, which favours the champion: a challenger must then beat it on its own ground).
    /// </summary>
    private static (List<int> LearnFrom, List<int> HeldOut) Split(FleetSamples fleet)
    {
        var byEnd = Enumerable.Range(0, fleet.ByHistory.Count).OrderBy(i => fleet.Ends[i]).ToList();
        var count = Math.Max(1, (int)Math.Ceiling(byEnd.Count / 5.0));
        while (count < byEnd.Count && !byEnd.TakeLast(count).Any(i => fleet.Failed[i]))
        {
            count++;
        }

        var heldOut = byEnd.TakeLast(count).ToList();
        var learnFrom = byEnd.Take(byEnd.Count - count).ToList();
        if (learnFrom.Count(i => fleet.Failed[i]) < MinFailures)
        {
            throw new InvalidOperationException(
                $"Holding out the newest lives to judge the challenger leaves {learnFrom.Count(i => fleet.Failed[i])} failure(s) to learn from; at least {MinFailures} are needed.");
        }

        return (learnFrom, heldOut);
    }

    // Average precision of "fails within the horizon" on the held-out lives, each model reading them through its own
    // features; the challenger wins only with a higher score.
    private static Comparison Compare(Champion champion, AssetModel challenger, FleetSamples fleet, List<int> heldOut)
    {
        double Score(AssetModel model, IEnumerable<AssetSample> samples) => Failure.BinaryFigures.AveragePrecision(
            [.. samples.Select(s => (model.Assess(s.Row).FailureProbability, s.RulHours <= model.HorizonHours))]);
        var challengerSamples = heldOut.SelectMany(i => fleet.ByHistory[i]).ToList();
        var (championScore, challengerScore) = (Score(champion.Model, heldOut.SelectMany(i => fleet.AlsoByHistory[i])), Score(challenger, challengerSamples));
        return new Comparison(champion.Version.Version, championScore, challengerScore, heldOut.Count, challengerSamples.Count,
            Promoted: challengerScore > championScore);
    }

    // Records the comparison on the run, promotes the challenger when it won, and audits either outcome.
    private async Task<TrainingRun> JudgeAsync(TrainingRun run, ModelVersion challenger, Comparison comparison)
    {
        run = await MoveAsync(run.RunId, r => r with { Judged = comparison });
        if (comparison.Promoted)
        {
            await registry.SetStageAsync(run.TenantId, run.ModelName, challenger.Version, ModelStage.Production, run.RequestedBy, CancellationToken.None);
        }

        await audit.RecordAsync(run.TenantId, comparison.Promoted ? AgentEventTypes.ChallengerPromoted : AgentEventTypes.ChallengerKept,
            $"training:{run.RunId:N}", run.RequestedBy, new { run.RunId, run.ModelName, Challenger = challenger.Version, Judged = comparison });
        return run;
    }

    private async Task<ModelVersion> RegisterAsync(TrainingRun run, TrainedAssetModel trained, Trees.BoostingOptions options)
    {
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"fleet|{run.TenantId}|{run.AssetKind}|{run.From:O}|{run.To:O}|{trained.Samples}")));
        var (zip, _) = AssetModelTraining.Pack(trained, options, fingerprint, $"the fleet's records, {run.From:O} to {run.To:O}");
        var production = (await registry.VersionsAsync(run.TenantId, run.ModelName, CancellationToken.None))
            .FirstOrDefault(v => v.Stage == ModelStage.Production);
        var (version, error) = await registry.RegisterAsync(run.TenantId, run.ModelName, zip, run.RequestedBy, production?.Version, null,
            CancellationToken.None, run.AssetKind);
        return version ?? throw new InvalidOperationException(error!.Detail);
    }
}

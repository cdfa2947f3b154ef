using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;

namespace SmartMaintenance.Simulation;

/// <summary>
/// Gives the demo fleet real models at first start: for each asset kind of the fleet that has no model named
/// <c>asset-KIND</c> yet, trains an <see cref="AssetModel"/> on seeded run-to-failure histories the simulator
/// generates (validated 5-fold over histories, the figures recorded), registers it and promotes it to production —
/// the same steps `smx train` and the registry API give a person. A kind already registered (trained before, or
/// replaced by someone) is left alone, so a restart trains nothing. Pumps go first: the golden path starts there.
/// </summary>
public sealed class DemoModels(bool enabled, int histories, ModelRegistry registry, ILogger<DemoModels> logger) : BackgroundService
{
    public const string CreatedBy = "demo:model-setup";
    public const int DefaultHistories = 150;
    public const int Seed = 1;
    private const long TenantId = Tenant.DefaultId;

    public static string NameOf(string kind) => $"asset-{kind}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            return;
        }

        try
        {
            var registered = (await registry.VersionsAsync(TenantId, stoppingToken)).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var kind in DemoFleet.SensorKinds.OrderBy(k => k == "pump" ? 0 : 1))
            {
                if (!registered.Contains(NameOf(kind)))
                {
                    // Training is CPU work of a few seconds per kind; off the host's start-up path.
                    await Task.Run(() => TrainAndRegisterAsync(kind, stoppingToken), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Training the demo fleet's models stopped; predictions use the statistical fallback where no model is registered");
        }
    }

    private async Task TrainAndRegisterAsync(string kind, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        // A host stopping during first-start training stops it within a second or two, not after the whole validation.
        var (_, zip) = RunToFailure.TrainModel(kind, histories, Seed, folds: 5, cancellationToken);
        var (version, error) = await registry.RegisterAsync(TenantId, NameOf(kind), zip, CreatedBy, null, null, cancellationToken, kind);
        if (version is null)
        {
            logger.LogError("The demo model {Name} was not registered: {Error}", NameOf(kind), error?.Detail);
            return;
        }

        await registry.SetStageAsync(TenantId, version.Name, version.Version, ModelStage.Production, CreatedBy, cancellationToken);
        logger.LogInformation("Demo model {Name} v{Version} trained on {Histories} simulated histories in {Seconds:F1} s and promoted to production",
            version.Name, version.Version, histories, started.Elapsed.TotalSeconds);
    }
}

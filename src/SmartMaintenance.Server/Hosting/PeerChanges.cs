using SmartMaintenance.Agents;
using SmartMaintenance.Agents.Notification;
using SmartMaintenance.Detection;
using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Models.Registry;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// With several nodes, drops this node's cached copies when another node changes what they hold: every such change is
/// audited, and the cluster's feed brings the entry here. The sensor directory (catalog changes: a sensor retired on
/// one node stops taking readings on all), the detector settings and alarm rules (a sensitivity set on one node reaches
/// the running streams of every node from their next batch), and the model registry's list of versions.
/// </summary>
internal sealed class PeerChanges(AuditFeed feed, SensorDirectory sensors, DetectorSettingsProvider detection, ModelRegistry models)
    : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe((entry, appendedHere) =>
        {
            if (!appendedHere)
            {
                Apply(entry);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private void Apply(AuditEntry entry)
    {
        switch (entry.Type)
        {
            case AgentEventTypes.CatalogChanged:
                sensors.Invalidate(entry.TenantId);
                break;
            case AgentEventTypes.DetectorSensitivityChanged or AgentEventTypes.AlarmRuleChanged:
                detection.Changed(entry.TenantId);
                break;
            case "ModelRegistered" or "ModelStageChanged":
                models.Forget(entry.TenantId);
                break;
        }
    }
}

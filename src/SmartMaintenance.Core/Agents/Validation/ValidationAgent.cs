using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Detection;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Validation;

/// <summary>Validation: see <see cref="Contracts.IValidationAgent"/> and <see cref="AnomalyValidator"/>.</summary>
public sealed class ValidationAgent(
    IAnomalyStore anomalies, IMaintenanceStore maintenance, IEventLog events, AgentStepRunner steps, ValidationPolicy policy,
    TimeProvider time)
    : Grain, IValidationAgent
{
    public async Task<Anomaly> ValidateAsync(DetectedAnomaly detected)
    {
        if (await anomalies.FindAsync(detected.Anomaly.TenantId, detected.Anomaly.AnomalyId, CancellationToken.None) is { } known)
        {
            if (known.Status != AnomalyStatus.Detected)
            {
                // A reading judged again after a crash (at-least-once judging): its anomaly was judged the first time.
                return known;
            }

            // Recorded, not yet judged (a retry, or a crash in between): go on with the recorded one and its story.
            detected = detected with { Anomaly = known };
        }
        else
        {
            await RecordAsync(detected);
        }

        var (anomaly, issues) = (detected.Anomaly, detected.Issues);
        var history = await anomalies.ListAsync(anomaly.TenantId,
            new AnomalyQuery(AssetId: anomaly.AssetId, SensorId: anomaly.AssetId is null ? anomaly.SensorId : null,
                Since: anomaly.DetectedAt - policy.History, Limit: 1000), CancellationToken.None);
        var completed = anomaly.AssetId is null
            ? []
            : await maintenance.ListWorkOrdersAsync(anomaly.TenantId, WorkOrderStatus.Completed, 200, CancellationToken.None);
        var verdict = AnomalyValidator.Judge(anomaly, issues, history, policy, completed);
        var judged = anomaly with
        {
            Status = verdict.Valid ? AnomalyStatus.Validated : AnomalyStatus.Dismissed,
            Confidence = verdict.Confidence,
            Reason = verdict.Reason,
            Corroborated = verdict.Corroborated,
        };
        await anomalies.SaveAsync(judged, CancellationToken.None);
        await events.RecordAsync(anomaly.TenantId, verdict.Valid ? AgentEventTypes.AnomalyValidated : AgentEventTypes.AnomalyDismissed,
            anomaly.CorrelationId, AgentNames.Validation,
            new AnomalyJudged(anomaly.AnomalyId, anomaly.SensorId, anomaly.AssetId, verdict.Confidence, verdict.Reason));
        if (verdict.Valid && judged.AssetId is not null)
        {
            await steps.RunAsync(AgentSteps.Assess, judged.TenantId, judged.CorrelationId, judged);
        }

        return judged;
    }

    /// <summary>Stores the anomaly and appends AnomalyDetected before anything else can act on it; a retry finds it stored.</summary>
    private async Task RecordAsync(DetectedAnomaly detected)
    {
        var anomaly = detected.Anomaly;
        await anomalies.SaveAsync(anomaly, CancellationToken.None);
        await events.RecordAsync(anomaly.TenantId, AgentEventTypes.AnomalyDetected, anomaly.CorrelationId, AgentNames.AnomalyDetection,
            new AnomalyDetected(anomaly.AnomalyId, anomaly.SensorId, anomaly.AssetId, anomaly.At, anomaly.Value, anomaly.Score, detected.Z,
                anomaly.Severity, anomaly.Detectors, detected.Window));
        AgentTelemetry.AnomaliesDetected.Add(1);
        AgentTelemetry.DetectionLatency.Record((time.GetUtcNow() - detected.AcceptedAt).TotalSeconds);
    }
}

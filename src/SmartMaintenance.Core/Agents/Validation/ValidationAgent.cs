using SmartMaintenance.Detection;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Validation;

/// <summary>
/// The original system's Validation agent, one grain per sensor so that one sensor's anomalies are judged one at a
/// time (duplicates and floods are decided against a settled history). A validated anomaly goes on to its asset's
/// Prediction agent.
/// </summary>
public interface IValidationAgent : IGrainWithIntegerKey
{
    Task<Anomaly> ValidateAsync(Anomaly anomaly, DataQualityIssues issues);
}

public sealed class ValidationAgent(IAnomalyStore anomalies, IEventLog events, AgentStepRunner steps, ValidationPolicy policy)
    : Grain, IValidationAgent
{
    public async Task<Anomaly> ValidateAsync(Anomaly anomaly, DataQualityIssues issues)
    {
        var history = await anomalies.ListAsync(anomaly.TenantId,
            new AnomalyQuery(AssetId: anomaly.AssetId, SensorId: anomaly.AssetId is null ? anomaly.SensorId : null,
                Since: anomaly.DetectedAt - policy.History, Limit: 1000), CancellationToken.None);
        var verdict = AnomalyValidator.Judge(anomaly, issues, history, policy);
        var judged = anomaly with
        {
            Status = verdict.Valid ? AnomalyStatus.Validated : AnomalyStatus.Dismissed,
            Confidence = verdict.Confidence,
            Reason = verdict.Reason,
        };
        await anomalies.SaveAsync(judged, CancellationToken.None);
        await events.AppendAsync([new AuditEvent(anomaly.TenantId,
            verdict.Valid ? AgentEventTypes.AnomalyValidated : AgentEventTypes.AnomalyDismissed, anomaly.CorrelationId,
            AgentNames.Validation, AgentJson.Serialize(new AnomalyJudged(anomaly.AnomalyId, anomaly.SensorId, anomaly.AssetId,
                verdict.Confidence, verdict.Reason)))], CancellationToken.None);
        if (verdict.Valid && judged.AssetId is not null)
        {
            await steps.RunAsync(AgentSteps.Assess, judged.TenantId, judged.CorrelationId, judged);
        }

        return judged;
    }
}

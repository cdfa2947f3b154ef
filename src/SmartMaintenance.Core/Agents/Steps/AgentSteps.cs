using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Predictions;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Steps;

/// <summary>Every retried step, by the name its dead letters carry.</summary>
public static class AgentSteps
{
    public static readonly AgentStep<SensorReadings> Judge = new("judge",
        (grains, batch) => grains.GetGrain<ISensorAgent>(batch.Sensor.Key).ObserveAsync(batch));

    public static readonly AgentStep<DetectedAnomaly> Validate = new("validate",
        (grains, detected) => grains.GetGrain<IValidationAgent>(detected.Anomaly.SensorKey).ValidateAsync(detected));

    public static readonly AgentStep<Anomaly> Assess = new("assess",
        (grains, anomaly) => grains.GetGrain<IAssetAgent>(AssetAgent.KeyOf(anomaly.TenantId, anomaly.AssetId!)).AssessAsync(anomaly));

    public static readonly AgentStep<CaseOutcome> Learn = new("learn",
        (grains, outcome) => grains.GetGrain<ILearningAgent>(outcome.Case.TenantId).RecordOutcomeAsync(outcome.Case, outcome.WorkOrder));

    public static readonly AgentStep<CaseReference> Report = new("report",
        (grains, reference) => grains.GetGrain<IReportingAgent>(reference.TenantId).WriteCaseReportAsync(reference.CaseId));

    public static IReadOnlyList<IAgentStep> All { get; } = [Judge, Validate, Assess, Learn, Report];

    public static IAgentStep? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}

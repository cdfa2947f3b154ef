using System.Security.Cryptography;
using System.Text;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Reporting;

/// <summary>Reporting: see <see cref="Contracts.IReportingAgent"/>.</summary>
public sealed class ReportingAgent(
    IMaintenanceStore cases, IAnomalyStore anomalies, IPredictionStore predictions, IReportStore reports, IEventLog events, TimeProvider time)
    : Grain, IReportingAgent
{
    public const string CaseReportKind = "case";

    public async Task<Guid> WriteCaseReportAsync(Guid caseId)
    {
        var tenantId = this.GetPrimaryKeyLong();
        var found = await cases.FindCaseAsync(tenantId, caseId, CancellationToken.None)
            ?? throw new InvalidOperationException($"No case '{caseId}' in tenant {tenantId}.");
        var evidence = new List<Anomaly>();
        foreach (var id in found.AnomalyIds)
        {
            if (await anomalies.FindAsync(tenantId, id, CancellationToken.None) is { } anomaly)
            {
                evidence.Add(anomaly);
            }
        }

        var prediction = (await predictions.ListAsync(tenantId, found.AssetId, 100, CancellationToken.None))
            .FirstOrDefault(p => p.PredictionId == found.PredictionId);
        var decisions = await cases.ListDecisionsAsync(tenantId, caseId, 1000, CancellationToken.None);
        var workOrder = found.WorkOrderId is { } wo ? await cases.FindWorkOrderAsync(tenantId, wo, CancellationToken.None) : null;
        var story = await events.ListAsync(tenantId, found.CorrelationId, 0, 1000, CancellationToken.None);

        var now = time.GetUtcNow();
        var body = AgentJson.Serialize(new
        {
            Case = found,
            Anomalies = evidence,
            Prediction = prediction is null ? null : new
            {
                prediction.PredictionId,
                prediction.FailureProbability,
                RemainingUsefulLifeHours = prediction.RemainingUsefulLife?.TotalHours,
                prediction.ModelName,
                prediction.ModelVersion,
                prediction.IsFallback,
                prediction.Explanation,
            },
            Decisions = decisions,
            WorkOrder = workOrder,
            Story = story.Select(e => new { e.Sequence, e.At, e.Type, e.Actor, e.Hash }),
            GeneratedAt = now,
        });
        var report = new Report(Guid.NewGuid(), tenantId, CaseReportKind, caseId.ToString(), now,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), body);
        await reports.SaveAsync(report, CancellationToken.None);
        await events.RecordAsync(tenantId, AgentEventTypes.ReportGenerated, found.CorrelationId, AgentNames.Reporting,
            new ReportGenerated(report.ReportId, report.Kind, caseId, report.Sha256));
        return report.ReportId;
    }
}

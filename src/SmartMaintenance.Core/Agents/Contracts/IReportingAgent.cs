namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Reporting agent, one grain per tenant. Today it writes the closing report of each case (JSON:
/// the case, its evidence, prediction, decisions, work order and audit story) and keeps it with its SHA-256; the PDF,
/// CSV and XLSX renderings come with the reports issue.
/// </summary>
public interface IReportingAgent : IGrainWithIntegerKey
{
    Task<Guid> WriteCaseReportAsync(Guid caseId);
}

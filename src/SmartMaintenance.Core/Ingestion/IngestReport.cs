namespace SmartMaintenance.Ingestion;

/// <summary>One item that was not stored, with the field at fault and why.</summary>
public sealed record IngestError(int Index, string Field, string Reason);

/// <summary>What happened to a batch: counts, and each item that was not stored.</summary>
public sealed class IngestReport
{
    public int Received { get; set; }
    public int Accepted { get; set; }
    /// <summary>Items already stored (same sensor and timestamp); they are listed in <see cref="Rejected"/> too.</summary>
    public int Duplicates { get; set; }
    /// <summary>Accepted items whose quality was lowered to uncertain, e.g. outside the sensor's expected range.</summary>
    public int Flagged { get; set; }
    /// <summary>Sensors created on the fly for this batch (only when the key allows auto-registration).</summary>
    public List<string> RegisteredSensors { get; } = [];
    public List<IngestError> Rejected { get; } = [];
}

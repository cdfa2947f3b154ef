namespace SmartMaintenance.Security;

/// <summary>What a person or machine may do; each role implies a default set of scopes.</summary>
public enum Role { Viewer, Operator, Planner, Admin }

/// <summary>Permission names carried by API keys, as in the original system.</summary>
public static class Scopes
{
    public const string DataIngest = "data:ingest";
    public const string DataRead = "data:read";
    public const string DataWrite = "data:write";
    public const string MlPredict = "ml:predict";
    public const string MlTrain = "ml:train";
    public const string ReportsGenerate = "reports:generate";
    public const string DecisionsWrite = "decisions:write";
    public const string ScheduleWrite = "schedule:write";
    /// <summary>Record completed maintenance on a work order (technicians).</summary>
    public const string MaintenanceWrite = "maintenance:write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All =
        [DataIngest, DataRead, DataWrite, MlPredict, MlTrain, ReportsGenerate, DecisionsWrite, ScheduleWrite, MaintenanceWrite, Admin];

    public static IReadOnlyList<string> DefaultFor(Role role) => role switch
    {
        Role.Viewer => [DataRead],
        Role.Operator => [DataRead, DataIngest, MlPredict, DecisionsWrite, MaintenanceWrite],
        Role.Planner => [DataRead, DataIngest, DataWrite, MlPredict, MlTrain, ReportsGenerate, DecisionsWrite, ScheduleWrite, MaintenanceWrite],
        Role.Admin => All,
        _ => [],
    };

    /// <summary>Scopes a role may hold: its defaults, plus ingestion for any non-viewer machine key.</summary>
    public static bool Allows(Role role, string scope) =>
        role == Role.Admin || DefaultFor(role).Contains(scope) || (scope == DataIngest && role != Role.Viewer);
}

namespace SmartMaintenance.Agents.Steps;

/// <summary>How often and how patiently a failing step is retried before it is dead-lettered.</summary>
public sealed record StepRetryPolicy
{
    public int Attempts { get; init; } = 3;
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public double Backoff { get; init; } = 4;

    /// <summary>
    /// How long a step refused because the node holding its agent is gone keeps being retried: until the cluster
    /// declares that node dead (about 6 to 10 s with the membership settings the PostgreSQL cluster uses) calls to it can
    /// be refused, and then the agent starts again on a live node. That is the cluster healing, not the work failing, so
    /// it is not dead-lettered before this much time.
    /// </summary>
    public TimeSpan ClusterPatience { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts while the cluster heals.</summary>
    public TimeSpan ClusterRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}

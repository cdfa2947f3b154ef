namespace SmartMaintenance.Agents.Steps;

/// <summary>How often and how patiently a failing step is retried before it is dead-lettered.</summary>
public sealed record StepRetryPolicy
{
    public int Attempts { get; init; } = 3;
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public double Backoff { get; init; } = 4;
}

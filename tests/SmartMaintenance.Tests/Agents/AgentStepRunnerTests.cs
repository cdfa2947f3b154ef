using Microsoft.Extensions.Logging.Abstractions;

using Orleans.Runtime;

using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;
using SmartMaintenance.Tests.Storage;

namespace SmartMaintenance.Tests.Agents;

/// <summary>Retries, the cluster's healing time and dead letters of <see cref="AgentStepRunner"/>, on a real SQLite file.</summary>
public sealed class AgentStepRunnerTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly SqliteDeadLetterStore _letters;
    private readonly AgentStepRunner _runner;

    public AgentStepRunnerTests()
    {
        _letters = new SqliteDeadLetterStore(_temp.Database);
        var policy = new StepRetryPolicy
        {
            FirstDelay = TimeSpan.FromMilliseconds(1),
            // Long enough for attempts past the usual three even on a loaded machine, where a 1 ms delay can take far longer.
            ClusterPatience = TimeSpan.FromSeconds(2),
            ClusterRetryDelay = TimeSpan.FromMilliseconds(10),
        };
        _runner = new AgentStepRunner(null!, _letters, new SqliteEventLog(_temp.Database, TimeProvider.System), policy, new AgentFaults(null),
            TimeProvider.System, NullLogger<AgentStepRunner>.Instance);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A step that fails <paramref name="failures"/> times with what <paramref name="fault"/> makes, then succeeds; counts its attempts.</summary>
    private static (AgentStep<int> Step, Func<int> Attempts) Failing(int failures, Func<Exception> fault)
    {
        var attempts = 0;
        return (new AgentStep<int>("judge", (_, _) => ++attempts <= failures ? throw fault() : Task.CompletedTask), () => attempts);
    }

    private Task<IReadOnlyList<DeadLetter>> LettersAsync() => _letters.ListAsync(Tenant.DefaultId, includeReplayed: true, 10, default);

    [Fact]
    public async Task A_call_refused_while_the_cluster_moves_the_agent_is_retried_past_the_usual_attempts_and_never_dead_lettered()
    {
        var (step, attempts) = Failing(12, () => new SiloUnavailableException("The target silo became unavailable"));

        await _runner.RunAsync(step, Tenant.DefaultId, "c-1", 1);

        Assert.Equal(13, attempts());
        Assert.Empty(await LettersAsync());
    }

    [Fact]
    public async Task A_failing_step_is_dead_lettered_after_its_attempts_and_a_cluster_that_never_heals_after_its_patience()
    {
        var (broken, brokenAttempts) = Failing(int.MaxValue, () => new InvalidOperationException("bad payload"));
        await _runner.RunAsync(broken, Tenant.DefaultId, "c-1", 1);
        Assert.Equal(3, brokenAttempts());

        var started = DateTime.UtcNow;
        var (unreachable, unreachableAttempts) = Failing(int.MaxValue,
            () => new InvalidOperationException("wrapped", new SiloUnavailableException("no route")));
        await _runner.RunAsync(unreachable, Tenant.DefaultId, "c-2", 2);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.True(unreachableAttempts() > 3, $"{unreachableAttempts()} attempts");

        var letters = await LettersAsync();
        Assert.Equal(["c-2", "c-1"], letters.Select(l => l.CorrelationId));
        Assert.Equal([unreachableAttempts(), 3], letters.Select(l => l.Attempts));
    }
}

using System.Text.Json;

namespace SmartMaintenance.Agents.Steps;

/// <summary>A hand-over from one agent to the next that is retried, and dead-lettered when it keeps failing.</summary>
public interface IAgentStep
{
    string Name { get; }

    /// <summary>Runs the step again from a dead letter's stored payload.</summary>
    Task ReplayAsync(IGrainFactory grains, string payload);
}

public sealed class AgentStep<T>(string name, Func<IGrainFactory, T, Task> run) : IAgentStep
{
    public string Name => name;

    public Task RunAsync(IGrainFactory grains, T payload) => run(grains, payload);

    public Task ReplayAsync(IGrainFactory grains, string payload) =>
        run(grains, JsonSerializer.Deserialize<T>(payload, AgentJson.Options) ?? throw new JsonException("The dead letter has no payload."));
}

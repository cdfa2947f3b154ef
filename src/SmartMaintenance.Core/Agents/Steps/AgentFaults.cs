using System.Collections.Concurrent;
using System.Globalization;

namespace SmartMaintenance.Agents.Steps;

/// <summary>
/// Resilience drills: makes named steps fail their next attempts (<c>SMX_AGENT_FAULTS</c>, e.g. <c>assess:3</c>), so
/// operators can watch retries, dead letters and replay work before a real failure needs them.
/// </summary>
public sealed class AgentFaults
{
    private readonly ConcurrentDictionary<string, int> _remaining = new(StringComparer.Ordinal);

    public AgentFaults(string? specification)
    {
        foreach (var part in (specification ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2 || AgentSteps.Find(pieces[0]) is null || !int.TryParse(pieces[1], CultureInfo.InvariantCulture, out var count) || count < 0)
            {
                throw new ArgumentException(
                    $"Agent fault '{part}' is not step:count with a step among {string.Join(", ", AgentSteps.All.Select(s => s.Name))}.",
                    nameof(specification));
            }

            _remaining[pieces[0]] = count;
        }
    }

    public void ThrowIfInjected(string step)
    {
        if (_remaining.TryGetValue(step, out var left) && left > 0 && _remaining.TryUpdate(step, left - 1, left))
        {
            throw new InvalidOperationException($"Injected fault in step '{step}' (resilience drill; {left - 1} more to come).");
        }
    }
}

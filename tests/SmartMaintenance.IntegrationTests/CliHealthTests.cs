using SmartMaintenance.Cli;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>smx health evaluate</c>: the table other people read.</summary>
public sealed class CliHealthTests
{
    [Fact]
    public void Health_evaluate_prints_a_line_per_simulated_fault_for_asset_health_and_both_per_sensor_detectors()
    {
        var output = new StringWriter();

        Assert.Equal(0, HealthCommand.Evaluate(seeds: 1, output));

        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("fault ", StringComparison.Ordinal) && l.Contains("asset health", StringComparison.Ordinal)
            && l.Contains("ensemble", StringComparison.Ordinal) && l.Contains("resonance", StringComparison.Ordinal));
        foreach (var fault in Enum.GetNames<Simulation.PumpFault>().Append("all"))
        {
            Assert.Single(lines, l => l.StartsWith(fault + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.StartsWith("Bearing ", StringComparison.Ordinal) && l.Contains("1/1", StringComparison.Ordinal));
    }
}

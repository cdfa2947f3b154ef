using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using SmartMaintenance.Simulation;

namespace SmartMaintenance.Tests.Simulation;

public sealed class DemoFleetSimulatorTests
{
    [Fact]
    public void Injected_faults_on_two_assets_run_side_by_side_and_end_on_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var simulator = new DemoFleetSimulator(true, null!, null!, null!, clock, NullLogger<DemoFleetSimulator>.Instance);
        var first = DemoFleet.Sensors.First(s => s.Type == "vibration");
        var second = DemoFleet.Sensors.First(s => s.Type == "vibration" && s.AssetId != first.AssetId);
        var calmFirst = simulator.ValueAt(first, clock.GetUtcNow());

        simulator.InjectFault(first.AssetId, TimeSpan.FromMinutes(3), magnitude: 6);
        simulator.InjectFault(second.AssetId, TimeSpan.FromMinutes(1), magnitude: 6);
        var at = clock.GetUtcNow().AddSeconds(30);

        // A magnitude-6 fault moves a vibration sensor by six times its baseline; noise is a few percent of it.
        Assert.True(simulator.ValueAt(first, at) > calmFirst + (5 * first.Baseline));
        Assert.True(simulator.ValueAt(second, at) > 5 * second.Baseline);
        Assert.True(simulator.ValueAt(second, at.AddMinutes(1)) < 2 * second.Baseline);
    }
}

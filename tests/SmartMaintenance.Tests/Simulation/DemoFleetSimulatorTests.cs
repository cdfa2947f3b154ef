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

    [Fact]
    public void A_spike_comes_once_per_sensor_even_when_the_first_sample_after_it_is_late()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var simulator = new DemoFleetSimulator(true, null!, null!, null!, clock, NullLogger<DemoFleetSimulator>.Instance);
        var vibration = DemoFleet.Sensors.First(s => s.Type == "vibration");
        var temperature = DemoFleet.Sensors.First(s => s.Type == "temperature" && s.AssetId == vibration.AssetId);

        simulator.InjectFault(vibration.AssetId, TimeSpan.FromMinutes(5), magnitude: 6, SimulatedFault.Spike);
        // A loaded machine: the first sample comes 20 s after the injection, far beyond the 2-second interval.
        var late = clock.GetUtcNow().AddSeconds(20);
        Assert.True(simulator.ValueAt(vibration, late) > 10 * vibration.Baseline);
        Assert.True(simulator.ValueAt(vibration, late.AddSeconds(2)) < 2 * vibration.Baseline);
        Assert.True(simulator.ValueAt(temperature, late.AddSeconds(3)) > temperature.Baseline + (20 * temperature.Noise));

        // A new episode spikes again.
        simulator.InjectFault(vibration.AssetId, TimeSpan.FromMinutes(5), magnitude: 6, SimulatedFault.Spike);
        Assert.True(simulator.ValueAt(vibration, clock.GetUtcNow().AddSeconds(1)) > 10 * vibration.Baseline);
    }
}

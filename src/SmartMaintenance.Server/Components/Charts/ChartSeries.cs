namespace SmartMaintenance.Server.Components.Charts;

/// <summary>A named line of a <see cref="TimeChart"/>: its points oldest first, drawn in a CSS colour.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<(DateTimeOffset At, double Value)> Points);

/// <summary>Another sensor drawn over a <see cref="SensorChart"/> on the same time axis: its name, unit and window.</summary>
public sealed record ChartOverlay(string Name, string Unit, Ui.SeriesWindow Window);

/// <summary>A horizontal reference line of a <see cref="TimeChart"/> (a limit), with what it means.</summary>
public sealed record ChartLimit(double Value, string Label, string Color);

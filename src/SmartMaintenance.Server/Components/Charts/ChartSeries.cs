namespace SmartMaintenance.Server.Components.Charts;

/// <summary>A named line of a <see cref="TimeChart"/>: its points oldest first, drawn in a CSS colour.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<(DateTimeOffset At, double Value)> Points);

/// <summary>A horizontal reference line of a <see cref="TimeChart"/> (a limit), with what it means.</summary>
public sealed record ChartLimit(double Value, string Label, string Color);

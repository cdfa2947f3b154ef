using SmartMaintenance.Domain;

namespace SmartMaintenance.Ingestion;

/// <summary>Where ingestion hands readings once they are durable (the agents, in the host).</summary>
public interface IAcceptedReadingsSink
{
    /// <summary>
    /// Takes ownership of <paramref name="readings"/> (newly stored, none a duplicate). May wait when the consumer is
    /// behind, which slows ingestion down instead of letting memory grow.
    /// </summary>
    ValueTask PublishAsync(long tenantId, Reading[] readings, CancellationToken cancellationToken);
}

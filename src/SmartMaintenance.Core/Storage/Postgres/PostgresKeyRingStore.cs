using System.Data.Common;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>The web host's Data Protection key ring in PostgreSQL, the one every node on the database reads.</summary>
public sealed class PostgresKeyRingStore(PostgresDatabase database) : KeyRingStore
{
    protected override DbConnection Open() => database.DataSource.OpenConnection();

    protected override object TimeValue(DateTimeOffset time) => PostgresCommands.Utc(time);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}

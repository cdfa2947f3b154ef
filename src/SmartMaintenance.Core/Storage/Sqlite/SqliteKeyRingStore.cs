using System.Data.Common;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>The web host's Data Protection key ring in the SQLite file (so <c>smx backup</c> carries it too).</summary>
public sealed class SqliteKeyRingStore(SqliteDatabase database) : KeyRingStore
{
    protected override DbConnection Open() => database.Open();

    protected override object TimeValue(DateTimeOffset time) => UnixMicros.From(time);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => UnixMicros.ToDateTimeOffset(reader.GetInt64(ordinal));
}

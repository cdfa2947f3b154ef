using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// The baseline the durable store is judged against: a plain ADO.NET prepared INSERT per row into a table shaped like
/// <c>readings</c>, one transaction per call, no duplicate report and no roll-ups.
/// </summary>
internal static class BareInsertLoop
{
    public static void CreateTable(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " +
            "CREATE TABLE bare (sensor_key INTEGER, ts INTEGER, value REAL, quality INTEGER, tenant_id INTEGER, PRIMARY KEY (sensor_key, ts)) WITHOUT ROWID;";
        command.ExecuteNonQuery();
    }

    public static void Insert(SqliteConnection connection, ReadOnlySpan<Reading> rows)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO bare VALUES ($s, $t, $v, $q, 1)";
        var s = insert.Parameters.Add("$s", SqliteType.Integer);
        var t = insert.Parameters.Add("$t", SqliteType.Integer);
        var v = insert.Parameters.Add("$v", SqliteType.Real);
        var q = insert.Parameters.Add("$q", SqliteType.Integer);
        insert.Prepare();
        foreach (var reading in rows)
        {
            s.Value = reading.SensorKey;
            t.Value = reading.TimestampMicros;
            v.Value = reading.Value;
            q.Value = (int)reading.Quality;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

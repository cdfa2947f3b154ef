using System.Data.Common;

namespace SmartMaintenance.Storage;

/// <summary>
/// The key ring's table, read and written the same way on SQLite and PostgreSQL through ADO.NET's common types: a store
/// says only how it connects and how its database keeps a time. Synchronous, as <see cref="IKeyRingStore"/> is.
/// </summary>
public abstract class KeyRingStore : IKeyRingStore
{
    public IReadOnlyList<KeyRingElement> List()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT friendly_name, xml, created_at FROM data_protection_keys ORDER BY created_at, friendly_name";
        using var reader = command.ExecuteReader();
        var elements = new List<KeyRingElement>();
        while (reader.Read())
        {
            elements.Add(new KeyRingElement(reader.GetString(0), reader.GetString(1), ReadTime(reader, 2)));
        }

        return elements;
    }

    public bool Add(KeyRingElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = Open();
        using var command = connection.CreateCommand();
        // A name stored already (a retried write, or two nodes racing) keeps the first: Data Protection names each element once.
        command.CommandText = "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT DO NOTHING";
        foreach (var (name, value) in new (string, object)[] { ("@name", element.FriendlyName), ("@xml", element.Xml), ("@at", TimeValue(element.CreatedAt)) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>An open connection to the store's database.</summary>
    protected abstract DbConnection Open();

    /// <summary>A time as the database's <c>created_at</c> column keeps it.</summary>
    /// <param name="time">The time to store.</param>
    protected abstract object TimeValue(DateTimeOffset time);

    /// <summary>A time read back from the database.</summary>
    /// <param name="reader">The reader on the row.</param>
    /// <param name="ordinal">The column.</param>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);
}

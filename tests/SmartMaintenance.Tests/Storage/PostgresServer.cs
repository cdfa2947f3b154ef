using System.Diagnostics;

using Npgsql;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// A real PostgreSQL server for the tests, from the machine's Debian packages (<c>postgresql</c>; the README's test
/// command installs it when missing): a new cluster in a temporary folder, started on a free loopback port, stopped and
/// deleted at the end. As root the server runs as the <c>postgres</c> user, which PostgreSQL requires. Each test asks
/// for a database of its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _folder = "";
    private string _bin = "";
    private bool _asRoot;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `bash scripts/test.sh`, which installs it, or `apt-get install postgresql`.");
        }

        _asRoot = Environment.UserName == "root";
        _folder = Directory.CreateTempSubdirectory("smx-pg-").FullName;
        var data = Path.Combine(_folder, "data");
        if (_asRoot)
        {
            await RunAsync("chown", $"postgres:postgres {_folder}");
        }

        await RunAsync(Path.Combine(_bin, "initdb"), $"-D {data} -U smx --auth=trust -E UTF8 --no-locale", asServer: true);
        var port = FreePort();
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            $"-D {data} -l {Path.Combine(_folder, "server.log")} -w -t 60 -o \"-p {port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start",
            asServer: true);
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=smx;Database=postgres;Pooling=false";
    }

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "smx_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_folder.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), $"-D {Path.Combine(_folder, "data")} -m immediate -w stop", asServer: true);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task RunAsync(string program, string arguments, bool asServer = false)
    {
        var start = asServer && _asRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = _folder.Length > 0 ? _folder : Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

using Orleans.Storage;

using SmartMaintenance.Agents.Notification;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Retention;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Which store the platform runs on: the embedded SQLite file in the data folder, or PostgreSQL when
/// <c>SMX_POSTGRES</c> holds an Npgsql connection string. Every store interface has both implementations, and the
/// schema of either is migrated when the first store is resolved.
/// </summary>
internal static class StoreExtensions
{
    public static WebApplicationBuilder AddStores(this WebApplicationBuilder builder)
    {
        var postgres = builder.Configuration["POSTGRES"];
        if (string.IsNullOrWhiteSpace(postgres))
        {
            AddSqlite(builder.Services);
        }
        else
        {
            AddPostgres(builder.Services, postgres);
        }

        builder.Services.AddSingleton<AuditFeed>();
        builder.Services.AddSingleton<IEventLog>(sp => new PublishingEventLog(sp.GetRequiredKeyedService<IEventLog>(StoreKey), sp.GetRequiredService<AuditFeed>()));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>The store's own event log, before <see cref="PublishingEventLog"/> wraps it.</summary>
    private const string StoreKey = "store";

    private static void AddSqlite(IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            // Migrated on first use, so no store ever sees an old schema, whichever service starts first.
            var database = new SqliteDatabase(
                sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value.DataDir,
                sp.GetRequiredService<ILogger<SqliteDatabase>>());
            database.Migrate();
            return database;
        });
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<SqliteDatabase>();
            return new StoreDescription("SQLite", database.FilePath, async cancellationToken =>
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM tenants";
                await command.ExecuteScalarAsync(cancellationToken);
            });
        });
        services.AddSingleton<SqliteReadingStore>();
        services.AddSingleton<IReadingStore>(sp => sp.GetRequiredService<SqliteReadingStore>());
        services.AddSingleton<ICatalogStore, SqliteCatalogStore>();
        services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
        services.AddSingleton<IIdempotencyStore, SqliteIdempotencyStore>();
        services.AddKeyedSingleton<IEventLog>(StoreKey, (sp, _) => new SqliteEventLog(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
        services.AddSingleton<IDetectorSettingsStore, SqliteDetectorSettingsStore>();
        services.AddSingleton<IAlarmRuleStore, SqliteAlarmRuleStore>();
        services.AddSingleton<IRetentionPolicyStore, SqliteRetentionPolicyStore>();
        services.AddSingleton<IReadingRetention, SqliteReadingRetention>();
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IKeyRingStore, SqliteKeyRingStore>();
        services.AddSingleton<ILabelStore, SqliteLabelStore>();
        services.AddSingleton<IAnomalyNoteStore, SqliteAnomalyNoteStore>();
        services.AddSingleton<IReportStore, SqliteReportStore>();
        services.AddSingleton<IAnomalyStore, SqliteAnomalyStore>();
        services.AddSingleton<IPredictionStore, SqlitePredictionStore>();
        services.AddSingleton<IAssetHealthStore, SqliteAssetHealthStore>();
        services.AddSingleton<IMaintenanceStore, SqliteMaintenanceStore>();
        services.AddSingleton<IDeadLetterStore, SqliteDeadLetterStore>();
        services.AddSingleton<IModelRegistryStore, SqliteModelRegistryStore>();
        services.AddSingleton<IModelArtifactStore>(sp => new FolderModelArtifactStore(ModelFolder(sp)));
        services.AddSingleton<IModelHistoryStore, SqliteModelHistoryStore>();
        services.AddSingleton<IGrainStorage>(sp => new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>()));
    }

    private static void AddPostgres(IServiceCollection services, string connectionString)
    {
        services.AddSingleton(sp =>
        {
            var database = new PostgresDatabase(connectionString, sp.GetRequiredService<ILogger<PostgresDatabase>>());
            // Blocking once, at start: every store needs the schema, and a DI factory cannot await.
            database.MigrateAsync().GetAwaiter().GetResult();
            return database;
        });
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<PostgresDatabase>();
            var settings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            var where = $"{settings.Host}:{settings.Port}/{settings.Database}";
            return new StoreDescription("PostgreSQL", where, async cancellationToken =>
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM tenants", connection);
                await command.ExecuteScalarAsync(cancellationToken);
            });
        });
        services.AddSingleton<PostgresReadingStore>();
        services.AddSingleton<IReadingStore>(sp => sp.GetRequiredService<PostgresReadingStore>());
        services.AddSingleton<ICatalogStore, PostgresCatalogStore>();
        services.AddSingleton<IApiKeyStore, PostgresApiKeyStore>();
        services.AddSingleton<IIdempotencyStore, PostgresIdempotencyStore>();
        services.AddKeyedSingleton<IEventLog>(StoreKey, (sp, _) => new PostgresEventLog(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        services.AddSingleton<IDetectorSettingsStore, PostgresDetectorSettingsStore>();
        services.AddSingleton<IAlarmRuleStore, PostgresAlarmRuleStore>();
        services.AddSingleton<IRetentionPolicyStore, PostgresRetentionPolicyStore>();
        services.AddSingleton<IReadingRetention, PostgresReadingRetention>();
        services.AddSingleton<IUserStore, PostgresUserStore>();
        services.AddSingleton<IKeyRingStore, PostgresKeyRingStore>();
        services.AddSingleton<ILabelStore, PostgresLabelStore>();
        services.AddSingleton<IAnomalyNoteStore, PostgresAnomalyNoteStore>();
        services.AddSingleton<IReportStore, PostgresReportStore>();
        services.AddSingleton<IAnomalyStore, PostgresAnomalyStore>();
        services.AddSingleton<IPredictionStore, PostgresPredictionStore>();
        services.AddSingleton<IAssetHealthStore, PostgresAssetHealthStore>();
        services.AddSingleton<IMaintenanceStore, PostgresMaintenanceStore>();
        services.AddSingleton<IDeadLetterStore, PostgresDeadLetterStore>();
        services.AddSingleton<IModelRegistryStore, PostgresModelRegistryStore>();
        services.AddSingleton<IModelArtifactStore>(sp => new PostgresModelArtifactStore(sp.GetRequiredService<PostgresDatabase>(),
            ModelFolder(sp)));
        services.AddSingleton<IModelHistoryStore, PostgresModelHistoryStore>();
        services.AddSingleton<IGrainStorage>(sp => new PostgresGrainStorage(sp.GetRequiredService<PostgresDatabase>()));
    }

    /// <summary>The data folder's <c>models/</c>: the artifacts on one machine, and where older versions left them.</summary>
    private static string ModelFolder(IServiceProvider sp) =>
        Path.Combine(sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value.DataDir, "models");
}

/// <summary>The store in use: its name, where it is (a file, or host:port/database), and a query that proves it answers.</summary>
internal sealed record StoreDescription(string Name, string Location, Func<CancellationToken, Task> PingAsync);

/// <summary>Ready when the database answers a query.</summary>
internal sealed class DatabaseHealthCheck(StoreDescription store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Name} answers");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{store.Name} does not answer", ex);
        }
    }
}

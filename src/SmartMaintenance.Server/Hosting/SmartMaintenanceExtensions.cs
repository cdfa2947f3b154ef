using System.Text.Json;
using System.Text.Json.Serialization;

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

using MudBlazor.Services;

using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

using SmartMaintenance.Agents.Notification;
using SmartMaintenance.Detection;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Api;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Simulation;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Retention;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Server.Hosting;

/// <summary>Wires the platform's services; <c>Program.cs</c> calls this once.</summary>
internal static class SmartMaintenanceExtensions
{
    public static WebApplicationBuilder AddSmartMaintenance(this WebApplicationBuilder builder)
    {
        // Configure settings: the SMX_* environment variables map onto SmartMaintenanceOptions.
        builder.Configuration.AddEnvironmentVariables(source => source.Prefix = "SMX_");
        builder.Services.AddOptions<SmartMaintenanceOptions>()
            .Bind(builder.Configuration)
            .ValidateDataAnnotations()
            .Validate(o => OutboundAddressPolicy.Parse(o.WebhookAllowedNetworks, out _) is not null,
                "SMX_WEBHOOK_ALLOWED_NETWORKS must list networks such as 10.0.0.0/8 or fd00::/8, separated by commas.")
            .Validate(o => NetworkList.Parse(o.TrustedProxies, out _) is not null,
                "SMX_TRUSTED_PROXIES must list networks such as 10.0.0.0/8 or 192.168.1.10/32, separated by commas.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
            OutboundAddressPolicy.Parse(sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value.WebhookAllowedNetworks, out _)!);
        builder.Services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection("Ingestion"));
        builder.Services.AddSingleton(TimeProvider.System);

        // Configure logging: one JSON object per line, with the request's correlation id in scope.
        builder.Logging.ClearProviders().AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Each request's start and end line carries its query string, and a SignalR connection's token travels there.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // Configure storage: the embedded SQLite store, or PostgreSQL when SMX_POSTGRES is set; migrated at start.
        builder.AddStores();
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value;
            return new StorageSpace(options.DataDir, options.MinFreeDiskMb * 1024L * 1024, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<DetectorSettingsProvider>();
        builder.Services.AddSingleton(sp => new ModelRegistry(sp.GetRequiredService<IModelRegistryStore>(), sp.GetRequiredService<IEventLog>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IModelArtifactStore>()));
        builder.Services.AddSingleton<RegisteredModels>();
        builder.Services.AddSingleton<SmartMaintenance.Server.Api.MlApi.AssetReader>();
        builder.Services.AddSingleton<AssetTrainingRuns>();
        builder.Services.AddHostedService<IdempotencyPruner>();
        builder.Services.AddSingleton(sp => new ReadingRetention(sp.GetRequiredService<IRetentionPolicyStore>(), sp.GetRequiredService<IReadingRetention>(),
            sp.GetRequiredService<ICatalogStore>(), sp.GetRequiredService<IEventLog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value.DataDir, sp.GetRequiredService<ILogger<ReadingRetention>>()));
        builder.Services.AddHostedService<RetentionWorker>();

        // Configure the agents: the Orleans silo and the route from ingestion to them.
        builder.AddAgents();

        // Configure ingestion and the demo fleet.
        builder.Services.AddSingleton<SensorDirectory>();
        builder.Services.AddSingleton<Api.CatalogEditor>();
        builder.Services.AddSingleton<Api.AlarmRuleEditor>();
        builder.Services.AddSingleton<Api.AnomalyReviewer>();
        builder.Services.AddSingleton<ReadingIngestor>();
        builder.Services.AddSingleton(sp => new DemoFleetSimulator(
            sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value.DemoEnabled,
            sp.GetRequiredService<ReadingIngestor>(), sp.GetRequiredService<ICatalogStore>(),
            sp.GetRequiredService<SensorDirectory>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DemoFleetSimulator>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoFleetSimulator>());
        builder.Services.AddHostedService(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SmartMaintenanceOptions>>().Value;
            return new DemoModels(options.DemoModelsEnabled, options.DemoModelHistories, sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<ILogger<DemoModels>>());
        });
        builder.Services.AddSingleton<FaultDrills>();
        builder.Services.AddSingleton<GoldenPath>();

        // Configure the HTTP surface.
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // API bodies are JSON, never HTML: no need to escape '+', quotes or non-ASCII letters.
            options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            // Enums by name only: a number such as "role": 123 would bind to a value no name stands for.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            // A key given twice is ambiguous: refused, not silently the last.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new FiniteNumberConverter());
            options.SerializerOptions.Converters.Add(new PlainTextConverter());
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        builder.Services.AddValidation();
        builder.Services.AddHttpPipeline();
        builder.Services.AddPlatformAuth();

        // The web UI: Blazor interactive server with MudBlazor, the signed-in user's state cascaded to every page.
        builder.AddUiAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, Auth.SessionRevalidation>();
        builder.Services.AddMudServices();
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            // The language comes from the picker's cookie, else the browser's Accept-Language, else English.
            options.SetDefaultCulture(UiText.Cultures[0]).AddSupportedCultures(UiText.Cultures).AddSupportedUICultures(UiText.Cultures);
            options.ApplyCurrentCultureToResponseHeaders = true;
        });
        builder.Services.AddSingleton<Components.Ui.FleetQueries>();
        builder.Services.AddSingleton<Components.Ui.AssetQueries>();
        builder.Services.AddSingleton<Components.Ui.AuditStory>();
        builder.Services.AddSingleton<Components.Ui.SensorSeries>();
        builder.Services.AddScoped<Components.Ui.UiScope>();
        builder.Services.AddSingleton<Components.Ui.LiveRates>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Components.Ui.LiveRates>());
        builder.Services.AddApiDocumentation();

        // Configure operations: health and Prometheus metrics.
        builder.Services.AddHealthChecks()
            .AddCheck<StorageSpaceHealthCheck>("storage_space", tags: ["ready"]);
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
            .AddMeter(Telemetry.IngestionMeterName, Telemetry.StorageMeterName, Agents.AgentTelemetry.MeterName)
            .AddPrometheusExporter());
        // Traces go to an OpenTelemetry collector when one is named (OTEL_EXPORTER_OTLP_ENDPOINT, the SDK's own setting):
        // a request, the store's write and the agents' steps and grain calls it sets off are one trace.
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddSource([.. Telemetry.SourceNames])
                .AddOtlpExporter());
        }

        return builder;
    }
}

/// <summary>Ready when the data folder has room to write and no write failed for lack of it moments ago.</summary>
internal sealed class StorageSpaceHealthCheck(StorageSpace space) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(space.Shortage() is { } shortage
            ? HealthCheckResult.Unhealthy($"Disk full: {shortage}")
            : HealthCheckResult.Healthy($"{space.FreeBytes() / (1024 * 1024)} MiB free"));
}

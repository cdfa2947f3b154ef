using System.Net;

using Microsoft.Extensions.Diagnostics.HealthChecks;

using Orleans.Configuration;
using Orleans.Storage;

using SmartMaintenance.Agents;
using SmartMaintenance.Agents.DataAcquisition;
using SmartMaintenance.Agents.Notification;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Agents.Validation;
using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Server.Api;

namespace SmartMaintenance.Server.Hosting;

/// <summary>The agents: an Orleans silo in this process, and the route from ingestion to the sensor agents.</summary>
internal static class AgentsExtensions
{
    public static WebApplicationBuilder AddAgents(this WebApplicationBuilder builder)
    {
        var settings = new SmartMaintenanceOptions();
        builder.Configuration.Bind(settings);
        builder.UseOrleans(silo =>
        {
            if (string.IsNullOrWhiteSpace(settings.Postgres))
            {
                // The embedded store serves one process: its silo is alone, on loopback.
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            }
            else
            {
                ClusterOverPostgres(silo, settings);
            }

            silo
                // Grain calls carry the caller's trace, so a reading's judgement continues the request's trace.
                .AddActivityPropagation()
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = ClusterId;
                    options.ServiceId = ClusterId;
                });
        });

        builder.Services.AddKeyedSingleton<IGrainStorage>("cases", (sp, _) => sp.GetRequiredService<IGrainStorage>());
        builder.Services.AddKeyedSingleton<IGrainStorage>("assets", (sp, _) => sp.GetRequiredService<IGrainStorage>());
        builder.Services.AddKeyedSingleton<IGrainStorage>("sensors", (sp, _) => sp.GetRequiredService<IGrainStorage>());
        builder.Services.AddSingleton(new ValidationPolicy());
        builder.Services.AddSingleton(new CasePolicy { DecisionTimeout = settings.DecisionTimeout });
        builder.Services.AddSingleton(new CaseTimekeeperOptions(settings.CaseCheckInterval));
        builder.Services.AddHostedService<CaseTimekeeper>();
        builder.Services.AddSingleton(Agents.Predictions.AssetHealthRefresherOptions.Default);
        builder.Services.AddSingleton(sp => new Agents.Predictions.AssetAssessmentOptions(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmartMaintenanceOptions>>().Value.AssessmentInterval));
        builder.Services.AddHostedService<Agents.Predictions.AssetHealthRefresher>();
        builder.Services.AddSingleton(Agents.Learning.DriftMonitorOptions.Default);
        builder.Services.AddSingleton<Agents.Learning.ModelDriftMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Agents.Learning.ModelDriftMonitor>());
        builder.Services.AddSingleton(new StepRetryPolicy());
        builder.Services.AddSingleton(new AgentFaults(settings.AgentFaults));
        builder.Services.AddSingleton<AgentStepRunner>();
        builder.Services.AddSingleton<DataAcquisitionAgent>();
        builder.Services.AddSingleton<IAcceptedReadingsSink>(sp => sp.GetRequiredService<DataAcquisitionAgent>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DataAcquisitionAgent>());
        // Configure notifications: live pushes over SignalR and signed webhooks with a bounded timeout per attempt.
        // Live events carry the audit API's shape, names included.
        builder.Services.AddSignalR().AddJsonProtocol(options =>
        {
            options.PayloadSerializerOptions.PropertyNamingPolicy = AuditEntryView.Json.PropertyNamingPolicy;
            options.PayloadSerializerOptions.Encoder = AuditEntryView.Json.Encoder;
        });
        builder.Services.AddSingleton<ILiveEventPublisher, SignalRLiveEventPublisher>();
        // One long-lived client that connects only where the outbound policy allows.
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<NotificationAgent>(sp,
            new HttpClient(sp.GetRequiredService<Security.OutboundAddressPolicy>().CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) }));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationAgent>());
        if (!string.IsNullOrWhiteSpace(settings.Postgres))
        {
            // Several nodes may share the database: each relays the events it appends to the others.
            builder.Services.AddSingleton<ClusterFeedRelay>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterFeedRelay>());
            builder.Services.AddHostedService<PeerChanges>();
            builder.Services.AddHealthChecks().AddCheck<ClusterFeedHealthCheck>("cluster-feed", tags: ["ready"]);
        }

        builder.Services.AddHealthChecks().AddCheck<AgentsHealthCheck>("agents", tags: ["ready"]);
        return builder;
    }

    /// <summary>The Orleans cluster (and service) id: the membership rows of the nodes sharing a database carry it.</summary>
    public const string ClusterId = "smartmaintenance";

    /// <summary>
    /// Several nodes on one PostgreSQL database find each other through it: Orleans' ADO.NET membership table (the
    /// tables and queries of migration 6), every node's silo and gateway on its own ports. The schema is migrated before
    /// the silo reads the membership queries.
    /// </summary>
    private static void ClusterOverPostgres(ISiloBuilder silo, SmartMaintenanceOptions settings)
    {
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = settings.Postgres;
        });
        if (settings.AdvertisedAddress is { Length: > 0 } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        }

        // Failure detection sized for a plant, not a data centre of thousands of silos: a node that stops answering is
        // suspected after three missed 2-second probes and declared dead by its peers' votes within seconds, so its
        // agents come back on the survivors quickly; a node that stopped without leaving (SIGKILL, power loss) is taken
        // as gone once its heartbeat in the table is 10 s old, so a node starting meanwhile does not wait 90 s (Orleans'
        // default) to validate it can reach it. The cost: one heartbeat row update every 5 s per node.
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.MinProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 3;
            options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            options.NumMissedTableIAmAliveLimit = 2;
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaBeforeMembership>();
    }

    /// <summary>Resolves the database (which migrates it) at the silo's first stage, before membership starts.</summary>
    private sealed class SchemaBeforeMembership(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaBeforeMembership), ServiceLifecycleStage.First, _ =>
            {
                services.GetRequiredService<Storage.Postgres.PostgresDatabase>();
                return Task.CompletedTask;
            });
    }
}

/// <summary>Ready once this node's feed is in the cluster's directory: events appended elsewhere reach its live clients.</summary>
internal sealed class ClusterFeedHealthCheck(ClusterFeedRelay relay) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(relay.Registered
            ? HealthCheckResult.Healthy("In the cluster's event relay")
            : HealthCheckResult.Unhealthy("Not yet in the cluster's event relay"));
}

/// <summary>Ready when the routing loop runs and a sensor agent answers.</summary>
internal sealed class AgentsHealthCheck(DataAcquisitionAgent router) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(router.ExecuteTask is { IsCompleted: false }
            ? HealthCheckResult.Healthy("Agents route readings")
            : HealthCheckResult.Unhealthy("The agents' routing loop is not running"));
}

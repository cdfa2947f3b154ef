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
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(settings.SiloPort, settings.GatewayPort)
            // Grain calls carry the caller's trace, so a reading's judgement continues the request's trace.
            .AddActivityPropagation()
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = "smartmaintenance";
                options.ServiceId = "smartmaintenance";
            }));

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
        builder.Services.AddHealthChecks().AddCheck<AgentsHealthCheck>("agents", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Ready when the routing loop runs and a sensor agent answers.</summary>
internal sealed class AgentsHealthCheck(DataAcquisitionAgent router) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(router.ExecuteTask is { IsCompleted: false }
            ? HealthCheckResult.Healthy("Agents route readings")
            : HealthCheckResult.Unhealthy("The agents' routing loop is not running"));
}

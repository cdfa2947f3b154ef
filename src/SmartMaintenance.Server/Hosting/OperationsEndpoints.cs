using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace SmartMaintenance.Server.Hosting;

/// <summary>Liveness, readiness and Prometheus metrics; open to scrapers and orchestrators without a key.</summary>
internal static class OperationsEndpoints
{
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

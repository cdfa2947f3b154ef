using SmartMaintenance.Server.Api;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;

var builder = WebApplication.CreateBuilder(UiAssetsExtensions.HostOptions(args));

// Configure the platform: settings, storage, ingestion, auth, telemetry, the demo fleet
builder.AddSmartMaintenance();

var app = builder.Build();

// Configure the HTTP pipeline
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestCorrelation();
app.UseSecurityHeaders();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseAntiforgery();
app.UseHubConnectionOwners("/hubs/events");

// Configure operations endpoints
app.MapOperations();

// Configure the API
app.MapApiDocumentation();
app.MapReadingsApi();
app.MapReadingsExport();
app.MapCatalogApi();
app.MapAnomaliesApi();
app.MapAuditApi();
app.MapCasesApi();
app.MapDeadLettersApi();
app.MapModelsApi();
app.MapMlApi();
app.MapTrainingApi();
app.MapDemoApi();
app.MapWebhooksApi();
app.MapDetectionApi();
app.MapAlarmRulesApi();
app.MapRetentionApi();
app.MapReportsApi();
app.MapHub<EventsHub>("/hubs/events");
app.MapAdminApi();

// Configure the web UI
app.MapStaticAssets();
app.MapAccountEndpoints();
// The security headers middleware sends the UI's whole CSP, frame-ancestors included.
app.MapRazorComponents<SmartMaintenance.Server.Components.App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);

app.Run();

/// <summary>The host's entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

using System.ComponentModel.DataAnnotations;

using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Agents;
using SmartMaintenance.Detection;
using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// The anomaly detector's sensitivity per sensor type: read by anyone who reads data, set by the tenant's admins. A
/// change applies to running sensor streams at their next batch and lands in the audit trail.
/// </summary>
internal static class DetectionApi
{
    public static IEndpointRouteBuilder MapDetectionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Detection", "/detection/settings");

        group.MapGet("/", async (HttpContext c, DetectorSettingsProvider settings) =>
            TypedResults.Ok(new DetectionSettingsResponse(DetectorSettings.Default.Sensitivity, DetectorSettings.Default.ReportingLevel,
                ResonanceAnomalyDetector.HoldOffRows(DetectorSettings.Default.WarmUp),
                [.. (await settings.ListAsync(c.User.TenantIdOf(), c.RequestAborted)).Select(SensitivityResponse.From)])))
            .RequireAuthorization(Scopes.DataRead).WithName("GetDetectionSettings")
            .WithSummary("The default sensitivity and the sensor types that override it");
        group.MapPut("/{sensorType}", SetAsync).RequireAuthorization(Scopes.Admin).WithName("SetSensitivity")
            .WithSummary("Sets a sensor type's sensitivity, 0 (only the strongest evidence) to 1 (alarm early)");
        group.MapDelete("/{sensorType}", DeleteAsync).RequireAuthorization(Scopes.Admin).WithName("ResetSensitivity")
            .WithSummary("Returns a sensor type to the default sensitivity");
        return app;
    }

    private static async Task<Results<Ok<SensitivityResponse>, ProblemHttpResult>> SetAsync(
        HttpContext context, AlarmRuleEditor editor, string sensorType, SensitivityInput body)
    {
        if (sensorType.Length > 64 || string.IsNullOrWhiteSpace(sensorType))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid sensor type", "The sensor type must be 1 to 64 characters, as in the catalog.");
        }

        if (body.Sensitivity is not (>= 0 and <= 1) || double.IsNaN(body.Sensitivity.Value))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid sensitivity", "sensitivity must be a number from 0 to 1.");
        }

        var saved = await editor.SetSensitivityAsync(context.User, context.User.TenantIdOf(), sensorType, body.Sensitivity.Value, context.RequestAborted);
        return TypedResults.Ok(SensitivityResponse.From(saved));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext context, AlarmRuleEditor editor, string sensorType) =>
        await editor.ResetSensitivityAsync(context.User, context.User.TenantIdOf(), sensorType, context.RequestAborted)
            ? TypedResults.NoContent()
            : Problems.Result(StatusCodes.Status404NotFound, "No setting", $"Sensor type '{sensorType}' already uses the default sensitivity.");
}

public sealed record SensitivityInput([property: Required] double? Sensitivity);

/// <summary>A sensor type's sensitivity and the resonance score from which its sensors' anomalies are raised (<c>firing_level</c>).</summary>
public sealed record SensitivityResponse(string SensorType, double Sensitivity, double FiringLevel, DateTimeOffset UpdatedAt)
{
    public static SensitivityResponse From(SensitivitySetting s) =>
        new(s.SensorType, s.Sensitivity, new DetectorSettings(s.Sensitivity).ReportingLevel, s.UpdatedAt);
}

/// <summary>
/// The default sensitivity, the resonance score it raises anomalies from, and the readings after an anomaly during which
/// the detector masks another one that is not clearly worse (for a 750-reading warm-up; a longer one, for a sensor whose
/// 750 readings do not cover a day, masks proportionally longer).
/// </summary>
public sealed record DetectionSettingsResponse(
    double DefaultSensitivity, double DefaultFiringLevel, int HoldOffReadings, IReadOnlyList<SensitivityResponse> SensorTypes);

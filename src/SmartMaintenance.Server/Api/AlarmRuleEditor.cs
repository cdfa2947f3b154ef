using System.Security.Claims;

using SmartMaintenance.Agents;
using SmartMaintenance.Detection;
using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>An alarm rule as the API and the alarm rules page send it: limits, hysteresis, delay and maximum rate.</summary>
public sealed record AlarmRuleRequest(double? High, double? Low, double? Hysteresis, double? DelaySeconds, double? MaxRatePerMinute);

/// <summary>What an alarm rule change came to: saved, refused for its figures (fields as the API names them), or a sensor not in the catalog.</summary>
internal enum AlarmRuleOutcome { Saved, Invalid, UnknownSensor }

internal sealed record AlarmRuleChange(AlarmRuleOutcome Outcome, AlarmRule? Rule, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// Setting and removing alarm rules and detector sensitivities, for the API and the alarm rules page alike: the figures checked
/// (<see cref="AlarmRule.Problems"/>), a sensor rule only for a sensor of the catalog, the running sensor agents told
/// (through <see cref="DetectorSettingsProvider"/>), and an audit entry with who, the figures and what changed
/// (correlation <c>alarm-rule:{scope}:{target}</c>, so a rule's history is one query). An unchanged rule writes no entry.
/// </summary>
internal sealed class AlarmRuleEditor(DetectorSettingsProvider settings, ICatalogStore catalog, IEventLog audit, TimeProvider time)
{
    public const int MaxTargetLength = 128;

    public static string WireName(AlarmRuleScope scope) => scope == AlarmRuleScope.Sensor ? "sensor" : "sensor_type";

    public static AlarmRuleScope? ScopeOf(string wire) => wire switch
    {
        "sensor" => AlarmRuleScope.Sensor,
        "sensor_type" => AlarmRuleScope.SensorType,
        _ => null,
    };

    public async Task<AlarmRuleChange> SaveAsync(ClaimsPrincipal user, long tenantId, AlarmRuleScope scope, string target, AlarmRuleRequest request,
        CancellationToken cancellationToken)
    {
        target = target.Trim();
        if (target.Length is 0 or > MaxTargetLength)
        {
            return Invalid("target", $"The {(scope == AlarmRuleScope.Sensor ? "sensor id" : "sensor type")} must be 1 to {MaxTargetLength} characters.");
        }

        var delay = request.DelaySeconds switch
        {
            null => TimeSpan.Zero,
            { } seconds when double.IsFinite(seconds) && Math.Abs(seconds) <= AlarmRule.MaxDelay.TotalSeconds => TimeSpan.FromSeconds(seconds),
            _ => TimeSpan.MinValue, // refused by the check below, without overflowing TimeSpan
        };
        var problems = AlarmRule.Problems(request.High, request.Low, request.Hysteresis ?? 0, delay, request.MaxRatePerMinute);
        if (problems.Count > 0)
        {
            return new AlarmRuleChange(AlarmRuleOutcome.Invalid, null, problems);
        }

        if (scope == AlarmRuleScope.Sensor && await catalog.FindSensorAsync(tenantId, target, cancellationToken) is null)
        {
            return new AlarmRuleChange(AlarmRuleOutcome.UnknownSensor, null, new Dictionary<string, string[]>());
        }

        var before = await FindAsync(tenantId, scope, target, cancellationToken);
        var rule = new AlarmRule(tenantId, scope, target, request.High, request.Low, request.Hysteresis ?? 0, delay, request.MaxRatePerMinute,
            user.ActorOf(), time.GetUtcNow());
        var changed = Changed(before, rule);
        if (before is not null && changed.Count == 0)
        {
            return new AlarmRuleChange(AlarmRuleOutcome.Saved, before, new Dictionary<string, string[]>());
        }

        await settings.SetRuleAsync(rule, cancellationToken);
        await audit.RecordAsync(tenantId, AgentEventTypes.AlarmRuleChanged, CorrelationOf(scope, target), user.ActorOf(),
            new AlarmRuleChanged(WireName(scope), target, "set", rule.High, rule.Low, rule.Hysteresis, rule.Delay.TotalSeconds, rule.MaxRatePerMinute,
                changed));
        return new AlarmRuleChange(AlarmRuleOutcome.Saved, rule, new Dictionary<string, string[]>());
    }

    /// <summary>Removes the rule; false when there was none.</summary>
    public async Task<bool> DeleteAsync(ClaimsPrincipal user, long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken)
    {
        if (!await settings.DeleteRuleAsync(tenantId, scope, target, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(tenantId, AgentEventTypes.AlarmRuleChanged, CorrelationOf(scope, target), user.ActorOf(),
            new AlarmRuleChanged(WireName(scope), target, "removed", null, null, null, null, null, []));
        return true;
    }

    /// <summary>Sets a sensor type's detector sensitivity (0–1) and records who did it.</summary>
    public async Task<SensitivitySetting> SetSensitivityAsync(ClaimsPrincipal user, long tenantId, string sensorType, double sensitivity,
        CancellationToken cancellationToken)
    {
        var saved = await settings.SetAsync(tenantId, sensorType, sensitivity, cancellationToken);
        await audit.RecordAsync(tenantId, AgentEventTypes.DetectorSensitivityChanged, Guid.NewGuid().ToString("N"), user.ActorOf(),
            new DetectorSensitivityChanged(sensorType, saved.Sensitivity, new DetectorSettings(saved.Sensitivity).ReportingLevel));
        return saved;
    }

    /// <summary>Returns a sensor type to the default sensitivity; false when it had no setting of its own.</summary>
    public async Task<bool> ResetSensitivityAsync(ClaimsPrincipal user, long tenantId, string sensorType, CancellationToken cancellationToken)
    {
        if (!await settings.DeleteAsync(tenantId, sensorType, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(tenantId, AgentEventTypes.DetectorSensitivityChanged, Guid.NewGuid().ToString("N"), user.ActorOf(),
            new DetectorSensitivityChanged(sensorType, null, DetectorSettings.Default.ReportingLevel));
        return true;
    }

    public Task<IReadOnlyList<SensitivitySetting>> ListSensitivitiesAsync(long tenantId, CancellationToken cancellationToken) =>
        settings.ListAsync(tenantId, cancellationToken);

    public Task<IReadOnlyList<AlarmRule>> ListAsync(long tenantId, CancellationToken cancellationToken) => settings.ListRulesAsync(tenantId, cancellationToken);

    public async Task<AlarmRule?> FindAsync(long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken) =>
        (await settings.ListRulesAsync(tenantId, cancellationToken)).FirstOrDefault(r => r.Scope == scope && r.Target == target);

    private static string CorrelationOf(AlarmRuleScope scope, string target) => $"alarm-rule:{WireName(scope)}:{target}";

    private static List<string> Changed(AlarmRule? before, AlarmRule after)
    {
        var changed = new List<string>();
        void Compare<T>(string field, T? was, T? now)
        {
            if (before is null || !EqualityComparer<T?>.Default.Equals(was, now))
            {
                changed.Add(field);
            }
        }

        Compare("high", before?.High, after.High);
        Compare("low", before?.Low, after.Low);
        Compare("hysteresis", before?.Hysteresis, after.Hysteresis);
        Compare("delay_seconds", before?.Delay, after.Delay);
        Compare("max_rate_per_minute", before?.MaxRatePerMinute, after.MaxRatePerMinute);
        return changed;
    }

    private static AlarmRuleChange Invalid(string field, string message) =>
        new(AlarmRuleOutcome.Invalid, null, new Dictionary<string, string[]> { [field] = [message] });
}

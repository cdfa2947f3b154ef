using System.ComponentModel.DataAnnotations;

using Microsoft.Extensions.Configuration;

using SmartMaintenance.Agents.Steps;

namespace SmartMaintenance.Server.Hosting;

/// <summary>The platform's settings, bound from configuration and the <c>SMX_*</c> environment variables.</summary>
public sealed class SmartMaintenanceOptions
{
    /// <summary>Folder of the SQLite file and model artifacts (<c>SMX_DATA_DIR</c>).</summary>
    [Required]
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = "./data";

    /// <summary>Npgsql connection string (<c>SMX_POSTGRES</c>); when set, PostgreSQL is the store.</summary>
    [ConfigurationKeyName("POSTGRES")]
    public string? Postgres { get; set; }

    /// <summary>When set, an admin API key with this secret exists at start (<c>SMX_ADMIN_API_KEY</c>).</summary>
    [MinLength(16)]
    [ConfigurationKeyName("ADMIN_API_KEY")]
    public string? AdminApiKey { get; set; }

    /// <summary>
    /// Password of the web UI's first admin, <c>admin</c>, created when there are no users yet
    /// (<c>SMX_ADMIN_PASSWORD</c>; without it a random one is written to <c>admin-password</c> in the data folder).
    /// </summary>
    [MinLength(12)]
    [ConfigurationKeyName("ADMIN_PASSWORD")]
    public string? AdminPassword { get; set; }

    /// <summary>Streams the simulated demo fleet (<c>SMX_DEMO</c>: <c>1</c>, the default, or <c>0</c>; true/false also work).</summary>
    [ConfigurationKeyName("DEMO")]
    [RegularExpression("^(?i)(1|0|true|false)$", ErrorMessage = "SMX_DEMO must be 1 or 0.")]
    public string DemoSetting { get; set; } = "1";

    public bool DemoEnabled => DemoSetting is "1" || DemoSetting.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// With the demo fleet on, trains and registers its asset models at first start (<c>SMX_DEMO_MODELS</c>: <c>1</c>,
    /// the default, or <c>0</c>, leaving the fleet on the statistical fallback until models are registered).
    /// </summary>
    [ConfigurationKeyName("DEMO_MODELS")]
    [RegularExpression("^(?i)(1|0|true|false)$", ErrorMessage = "SMX_DEMO_MODELS must be 1 or 0.")]
    public string DemoModelsSetting { get; set; } = "1";

    public bool DemoModelsEnabled => DemoEnabled && (DemoModelsSetting is "1" || DemoModelsSetting.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Simulated run-to-failure histories each demo model is trained on (<c>SMX_DEMO_MODEL_HISTORIES</c>, default 150):
    /// fewer train faster (the tests use 40) and validate on less.
    /// </summary>
    [ConfigurationKeyName("DEMO_MODEL_HISTORIES")]
    [Range(20, 10_000)]
    public int DemoModelHistories { get; set; } = SmartMaintenance.Simulation.DemoModels.DefaultHistories;

    /// <summary>Requests per second each API key may make unless the key sets its own limit (<c>SMX_RATE_LIMIT</c>).</summary>
    [Range(1, 10_000_000)]
    [ConfigurationKeyName("RATE_LIMIT")]
    public int RateLimit { get; set; } = 1000;

    /// <summary>Sign-in (and password change) attempts a minute per client address (<c>SMX_SIGNIN_ATTEMPTS_PER_MINUTE</c>).</summary>
    [Range(1, 100_000)]
    [ConfigurationKeyName("SIGNIN_ATTEMPTS_PER_MINUTE")]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Port the agents' silo listens on for other silos (<c>SMX_SILO_PORT</c>).</summary>
    [Range(1, 65535)]
    [ConfigurationKeyName("SILO_PORT")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port the agents' silo accepts cluster clients on (<c>SMX_GATEWAY_PORT</c>).</summary>
    [Range(1, 65535)]
    [ConfigurationKeyName("GATEWAY_PORT")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other nodes reach this node's silo at (<c>SMX_ADVERTISED_ADDRESS</c>), when the agents cluster over
    /// PostgreSQL. Unset, Orleans picks this machine's first non-loopback IPv4 address. Without PostgreSQL the silo is
    /// alone on loopback and this is not used.
    /// </summary>
    [ConfigurationKeyName("ADVERTISED_ADDRESS")]
    [RegularExpression(@"^[0-9a-fA-F.:]+$", ErrorMessage = "SMX_ADVERTISED_ADDRESS must be an IP address.")]
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Resilience drill (<c>SMX_AGENT_FAULTS</c>): agent steps that fail their next attempts, e.g. <c>assess:3</c>. Empty in
    /// normal operation.
    /// </summary>
    [ConfigurationKeyName("AGENT_FAULTS")]
    public string? AgentFaults { get; set; }

    /// <summary>How long a case may wait for a person's decision before it is escalated (<c>SMX_DECISION_TIMEOUT</c>).</summary>
    [ConfigurationKeyName("DECISION_TIMEOUT")]
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How often each asset is assessed by its kind's production model between anomalies, for the fleet page's risk, RUL
    /// and their trend (<c>SMX_ASSESSMENT_INTERVAL</c>; assets are looked at once a minute).
    /// </summary>
    [ConfigurationKeyName("ASSESSMENT_INTERVAL")]
    public TimeSpan AssessmentInterval { get; set; } = Agents.Predictions.AssetAssessmentOptions.Default.Interval;

    /// <summary>
    /// Networks webhooks may reach beside the public internet (<c>SMX_WEBHOOK_ALLOWED_NETWORKS</c>, comma-separated,
    /// e.g. <c>10.0.0.0/8</c>): for self-hosters whose receivers are on their own network. Empty by default.
    /// </summary>
    [ConfigurationKeyName("WEBHOOK_ALLOWED_NETWORKS")]
    public string? WebhookAllowedNetworks { get; set; }

    /// <summary>
    /// Free space the data folder needs for the server to report itself ready (<c>SMX_MIN_FREE_DISK_MB</c>): the store's
    /// write-ahead log grows up to 64 MiB between checkpoints.
    /// </summary>
    [Range(0, 1_000_000)]
    [ConfigurationKeyName("MIN_FREE_DISK_MB")]
    public int MinFreeDiskMb { get; set; } = 64;

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (<c>SMX_TRUSTED_PROXIES</c>,
    /// networks, comma-separated), beside the loopback ones always trusted: behind an https proxy the session cookie is
    /// then marked Secure and sign-in throttling counts the real client's address.
    /// </summary>
    [ConfigurationKeyName("TRUSTED_PROXIES")]
    public string? TrustedProxies { get; set; }

    /// <summary>How often overdue decisions and ended deferrals are looked for (<c>SMX_CASE_CHECK_INTERVAL</c>).</summary>
    [ConfigurationKeyName("CASE_CHECK_INTERVAL")]
    public TimeSpan CaseCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the tenants' retention policies are applied (<c>SMX_RETENTION_INTERVAL</c>, one hour by default).</summary>
    [ConfigurationKeyName("RETENTION_INTERVAL")]
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "SMX_RETENTION_INTERVAL must be from 1 second to 7 days.")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}

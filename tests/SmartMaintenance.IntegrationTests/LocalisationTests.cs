using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Localization;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.IntegrationTests;

/// <summary>The web UI in English and Portuguese: complete resource files, and the language picker end to end.</summary>
public sealed partial class LocalisationTests
{
    private static readonly string ServerFolder = Path.Combine(RepositoryRoot(), "src", "SmartMaintenance.Server");

    /// <summary>The names of the enums the pages show through the localizer.</summary>
    private static readonly HashSet<string> EnumNames =
    [
        .. Enum.GetNames<CaseState>(), .. Enum.GetNames<AnomalySeverity>(), .. Enum.GetNames<AnomalyStatus>(), .. Enum.GetNames<ReadingQuality>(),
        .. Enum.GetNames<DecisionVerdict>(), .. Enum.GetNames<Role>(), .. Enum.GetNames<SimulatedFault>(), .. Enum.GetNames<HealthStatus>(),
        .. Enum.GetNames<Models.Registry.ModelStage>(), .. Enum.GetNames<WorkOrderStatus>(), .. Enum.GetNames<MaintenanceOutcome>(),
        .. Enum.GetNames<AssetCriticality>(), .. Enum.GetNames<AnomalyOutcome>(),
    ];

    /// <summary>The fixed messages the editors shared by the API and the pages put under a form's fields.</summary>
    private static readonly string[] EditorMessages =
    [
        "expected_min must not be above expected_max.", "Ids start with a letter or digit and hold letters, digits and . _ : - (max 128).",
        "high must be a finite number.", "low must be a finite number.", "high must be above low.", "hysteresis must be 0 or more.",
        "delay_seconds must be from 0 to 86400.", "max_rate_per_minute must be a number above 0.",
        "A rule needs a high limit, a low limit or a maximum rate of change.",
    ];

    [Fact]
    public async Task A_catalog_forms_validation_messages_read_in_portuguese_under_their_fields()
    {
        await using var app = new SmartMaintenanceApplication();
        var texts = app.Services.GetRequiredService<IStringLocalizer<UiText>>();
        // The annotations first; a request that passes them is checked as a whole (an upside-down range).
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        foreach (var request in new SmartMaintenance.Server.Api.SensorRequest[] { new("s-1", null, "", new string('u', 40), 1, 5, 90_000), new("s-1", null, "t", "°C", 5, 1, 1) })
        {
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(request, new(request), results, validateAllProperties: true);
        }

        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("pt-PT");
            var shown = results.SelectMany(r => r.MemberNames.Select(m => (Field: m, Text: SmartMaintenance.Server.Components.Ui.ValidationText.Of(texts, r.ErrorMessage!))))
                .ToDictionary(e => e.Field, e => e.Text);
            Assert.Equal("Obrigatório.", shown["Type"]);
            Assert.Equal("De 1 a 32 caracteres.", shown["Unit"]);
            Assert.Equal("De 0 a 86400.", shown["SampleIntervalSeconds"]);
            Assert.Equal("O mínimo esperado não pode estar acima do máximo esperado.", shown["expected_min"]);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>The sentence templates of the audit story (every literal of AuditStory.cs with a placeholder).</summary>
    private static IEnumerable<string> StoryTemplates() =>
        StringLiteral().Matches(File.ReadAllText(Path.Combine(ServerFolder, "Components", "Ui", "AuditStory.cs")))
            .Select(m => m.Groups[1].Value).Where(text => Placeholder().IsMatch(text));

    [GeneratedRegex("""
        "((?:[^"\\]|\\.)*)"
        """)]
    private static partial Regex StringLiteral();

    /// <summary>"AwaitingDecision" as people write it: "Awaiting decision".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    [Fact]
    public void Both_resource_files_hold_every_text_the_pages_ask_for_with_the_same_placeholders()
    {
        var english = Texts("UiText.resx");
        var portuguese = Texts("UiText.pt.resx");
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), portuguese.Keys.Order(StringComparer.Ordinal));
        // The resource compiler keeps one of two names that differ only in case and drops the other's translation.
        var clashes = english.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g)).ToList();
        Assert.True(clashes.Count == 0, "names that differ only in case: " + string.Join(" | ", clashes));
        // English is the key itself, except an enum's name, which reads as words ("AwaitingDecision" is "Awaiting decision").
        Assert.All(english, e => Assert.Equal(EnumNames.Contains(e.Key) ? Words(e.Key) : e.Key, e.Value));
        Assert.All(portuguese, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Value), p.Key);
            Assert.Equal(Placeholders(p.Key), Placeholders(p.Value));
        });

        // Every literal text a page looks up, and the enum values pages show through the localizer.
        var asked = Directory.EnumerateFiles(Path.Combine(ServerFolder, "Components"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => Lookup().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal)))
            .Concat(EnumNames).Concat(StoryTemplates()).Concat(SmartMaintenance.Server.Components.Ui.DetectorWords.Texts.Values)
            .Concat(SmartMaintenance.Server.Components.Ui.ValidationText.Texts).Concat(EditorMessages)
            .Concat(SmartMaintenance.Server.Components.Ui.ModelWords.Kinds.Values).Concat(SmartMaintenance.Server.Components.Ui.ModelWords.Metrics.Values)
            .Distinct().ToList();
        Assert.True(asked.Count > 150, $"only {asked.Count} texts found: is the lookup pattern still right?");
        var missing = asked.Where(text => !english.ContainsKey(text)).ToList();
        Assert.True(missing.Count == 0, "missing from the resource files: " + string.Join(" | ", missing));
    }

    [Fact]
    public async Task The_localizer_answers_in_the_culture_of_the_request()
    {
        await using var app = new SmartMaintenanceApplication();
        var texts = app.Services.GetRequiredService<IStringLocalizer<UiText>>();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("pt-PT");
            Assert.Equal("Visão geral da frota", texts["Fleet overview"]);
            Assert.Equal("12 ativos", texts["{0} assets", 12]);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Fleet overview", texts["Fleet overview"]);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public async Task The_language_picker_remembers_the_choice_and_never_leaves_the_site()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Contains("<html lang=\"en\">", await client.GetStringAsync("/signin"), StringComparison.Ordinal);

        var pick = await client.GetAsync("/account/culture?culture=pt-PT&return_url=%2Fsignin");
        Assert.Equal(HttpStatusCode.Redirect, pick.StatusCode);
        Assert.Equal("/signin", pick.Headers.Location!.ToString());
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/signin"));
        Assert.Contains("<html lang=\"pt\">", page, StringComparison.Ordinal);
        Assert.Contains("Iniciar sessão", page, StringComparison.Ordinal);

        // The browser's own language counts when nothing was picked.
        using var browser = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.AcceptLanguage.ParseAdd("pt-PT,pt;q=0.9");
        Assert.Contains("Palavra-passe", WebUtility.HtmlDecode(await (await browser.SendAsync(request)).Content.ReadAsStringAsync()),
            StringComparison.Ordinal);

        foreach (var offSite in new[] { "//evil.example/", "/\\evil.example/", "https://evil.example/" })
        {
            var away = await client.GetAsync($"/account/culture?culture=en&return_url={Uri.EscapeDataString(offSite)}");
            Assert.Equal("/", away.Headers.Location!.ToString());
        }

        await (await client.GetAsync("/account/culture?culture=xx")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(ServerFolder, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);

    private static List<string> Placeholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SmartMaintenance.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The repository root (SmartMaintenance.slnx) was not found.");
    }

    [GeneratedRegex("""T\["((?:[^"\\]|\\.)*)"\]?""")]
    private static partial Regex Lookup();

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}

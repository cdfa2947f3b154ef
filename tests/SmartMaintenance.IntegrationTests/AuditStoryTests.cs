using System.Globalization;

using Microsoft.Extensions.DependencyInjection;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Server.Components.Ui;

namespace SmartMaintenance.IntegrationTests;

/// <summary>Audit entries told as sentences for the case story and the bell, and a case's story kept to its own entries.</summary>
public sealed class AuditStoryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Names = new() { ["pump-1"] = "Feed pump P-1" };

    private static AuditEntry Entry<T>(string type, T payload, string actor = AgentNames.Validation) =>
        new(1, At, 1, type, "corr", actor, AgentJson.Serialize(payload), "p", "h");

    [Fact]
    public async Task Entries_read_as_sentences_naming_and_linking_the_asset_case_and_sensor_in_the_persons_language()
    {
        await using var app = new SmartMaintenanceApplication();
        var story = app.Services.GetRequiredService<AuditStory>();
        var caseId = Guid.NewGuid();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en");
            var validated = story.Tell(Entry(AgentEventTypes.AnomalyValidated, new AnomalyJudged(Guid.NewGuid(), "pump-1-temp", "pump-1", 0.92, "corroborated")), Names);
            Assert.Equal("Validation kept the anomaly on pump-1-temp (92% confident): corroborated", validated.Text);
            Assert.Equal("sensors/pump-1-temp", validated.Segments.Single(s => s.Text == "pump-1-temp").Href);
            Assert.Equal("pump-1", validated.AssetId);

            var opened = story.Tell(Entry(AgentEventTypes.CaseOpened, new CaseChanged(caseId, "pump-1", "Open", "Critical anomaly on pump-1-temp", 0.4, "")),
                Names, new Dictionary<Guid, string> { [caseId] = "Critical anomaly on pump-1-temp" });
            Assert.Equal("Case opened for Feed pump P-1: Critical anomaly on pump-1-temp", opened.Text);
            Assert.Equal(["assets/pump-1", $"cases/{caseId}"], opened.Segments.Where(s => s.Href is not null).Select(s => s.Href));
            Assert.Equal(caseId, opened.CaseId);

            // Without the page's title at hand (the bell), an entry naming its severity is titled the same way.
            var required = story.Tell(Entry(AgentEventTypes.HumanDecisionRequired,
                new CaseChanged(caseId, "pump-1", "AwaitingDecision", "Critical anomaly on pump-1-temp", 0.4, "decide", AnomalySeverity.Critical)), Names);
            Assert.Equal("Critical anomaly on Feed pump P-1 waits for a person's decision: decide", required.Text);

            var done = story.Tell(Entry(AgentEventTypes.MaintenanceCompleted,
                new MaintenanceCompleted(Guid.NewGuid(), caseId, MaintenanceOutcome.ProblemFound, "Bearing worn", [], 45, "tech-7")), Names);
            Assert.Equal("Work order done by tech-7: Problem found. Bearing worn", done.Text);
            Assert.Equal("Retention policy set: raw readings kept 30 days, minute roll-ups 90, hour roll-ups 365", story.Tell(Entry(
                AgentEventTypes.RetentionPolicyChanged, new RetentionPolicyChanged("set", 30, 90, 365, true)), Names).Text);
            Assert.Equal("Retention removed 1200 raw readings (1000 with whole partitions), 40 minute and 2 hour roll-ups", story.Tell(Entry(
                AgentEventTypes.RetentionApplied, new Storage.Retention.RetentionRun(At, Storage.Retention.RetentionRun.Scheduled,
                    new Storage.Retention.RetentionCutoffs(At, At, At), 1200, 1000, 40, 2, null, null)), Names).Text);
            Assert.Equal("Validation agent", story.Actor(AgentNames.Validation));
            Assert.Equal("Administrator", story.Actor("user:1:Administrator"));

            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("pt-PT");
            Assert.StartsWith("Caso aberto para Feed pump P-1", story.Tell(Entry(AgentEventTypes.CaseOpened,
                new CaseChanged(caseId, "pump-1", "Open", "t", 0.4, "")), Names).Text, StringComparison.Ordinal);

            // A type without a sentence still reads as its fields.
            Assert.Contains("username: vera", story.Tell(Entry(AgentEventTypes.UserCreated, new UserCreated("vera", "Vera", "Viewer")), Names).Text,
                StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void A_cases_story_keeps_its_own_anomalies_predictions_and_work_order_and_leaves_another_cases_out()
    {
        var (mine, theirs) = (Guid.NewGuid(), Guid.NewGuid());
        var (myAnomaly, theirAnomaly) = (Guid.NewGuid(), Guid.NewGuid());
        var workOrder = Guid.NewGuid();
        var @case = new MaintenanceCase(mine, 1, "pump-1", CaseState.Closed, "t", AnomalySeverity.High, 0.5, null, At, At, null, null, workOrder,
            Guid.NewGuid(), [myAnomaly], "corr");

        Assert.True(AuditStory.BelongsTo(Entry(AgentEventTypes.AnomalyValidated, new AnomalyJudged(myAnomaly, "s", "pump-1", 1, "")), @case));
        Assert.False(AuditStory.BelongsTo(Entry(AgentEventTypes.AnomalyValidated, new AnomalyJudged(theirAnomaly, "s", "pump-1", 1, "")), @case));
        Assert.True(AuditStory.BelongsTo(Entry(AgentEventTypes.CaseClosed, new CaseChanged(mine, "pump-1", "Closed", "t", 0.5, "")), @case));
        Assert.False(AuditStory.BelongsTo(Entry(AgentEventTypes.CaseOpened, new CaseChanged(theirs, "pump-1", "Open", "t", 0.5, "")), @case));
        Assert.False(AuditStory.BelongsTo(Entry(AgentEventTypes.MaintenancePredicted, new MaintenancePredicted(
            Guid.NewGuid(), "pump-1", 0.5, null, "m", false, null, new Dictionary<string, double>(), null, null, null, null, theirAnomaly)), @case));
        Assert.True(AuditStory.BelongsTo(Entry(AgentEventTypes.OutcomeLabelled, new OutcomeLabelled(mine, workOrder, AnomalyOutcome.TrueAlarm, [myAnomaly])), @case));
        Assert.True(AuditStory.BelongsTo(Entry(AgentEventTypes.FaultInjected, new FaultInjected("pump-1", "Spike", 5, true)), @case));
    }
}

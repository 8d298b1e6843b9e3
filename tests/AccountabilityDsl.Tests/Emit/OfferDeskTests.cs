using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Hosting;
using AccountabilityDsl.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using OfferDesk;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>The offer desk sample, built with the class ownerc generates during its build, over a SQLite ledger.</summary>
public sealed class OfferDeskTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("offer-desk-tests-").FullName;

    [Fact]
    public void Seventeen_offers_in_three_weeks_are_capped_to_what_the_policy_allows()
    {
        var log = new StringWriter { NewLine = "\n" };
        DeskReport report;
        using (var ledger = new SqliteContactLedger(Path.Combine(_directory, "ledger.db")))
        {
            report = Desk.Run(ledger, Desk.StoryCustomer, Desk.SeventeenOffersInThreeWeeks,
                new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc, log);
        }

        ContactLimit offersCap = Policy.ContactPolicy.Limits.Single(l => l.Scope == LimitScope.Offers && !l.PerHousehold);
        report.Proposed.ShouldBe(17);
        report.Decisions.Select(d => d.Sponsor).Distinct().Count().ShouldBeGreaterThan(1);
        report.Sent.ShouldBe(offersCap.MaxCount);
        report.Decisions.Where(d => !d.Sent).ShouldAllBe(d => d.Explanation.StartsWith("held back: denied: limit", StringComparison.Ordinal));
        report.Decisions.Skip(4).ShouldAllBe(d => d.Explanation.Contains($"({offersCap.Source})", StringComparison.Ordinal));
        log.ToString().ShouldContain($"17 offers proposed by 4 product managers, {offersCap.MaxCount} sent, {17 - offersCap.MaxCount} held back.");
    }

    [Fact]
    public void The_ledger_remembers_across_runs()
    {
        string path = Path.Combine(_directory, "shared.db");
        var start = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var customer = new DeskCustomer("c-7", new Policy.Customer(80_000m), null, [Policy.Channel.Telemarketing]);
        using (var ledger = new SqliteContactLedger(path))
        {
            Desk.Run(ledger, customer, Desk.SeventeenOffersInThreeWeeks, start, TimeZoneInfo.Utc).Sent.ShouldBe(3);
        }

        using (var ledger = new SqliteContactLedger(path))
        {
            // The same customer a month later: the year's three offers are used up.
            Desk.Run(ledger, customer, Desk.SeventeenOffersInThreeWeeks, start.AddDays(30), TimeZoneInfo.Utc).Sent.ShouldBe(0);
        }
    }

    [Fact]
    public void Each_scene_ends_in_the_denial_of_its_rule_and_nothing_else_is_held_back()
    {
        var start = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new SimulatedClock(start);
        using var metrics = new ContactGateMetrics();
        using var ledger = new SqliteContactLedger(Path.Combine(_directory, "scenes.db"));
        var gate = new ObservedContactGate(Policy.CreateGate(ledger, clock, TimeZoneInfo.Utc), metrics, NullLogger.Instance);

        DeskReport report = Desk.RunScenes(gate, clock, Desk.OneDenialPerRule, start);

        // In scene order: the Lending group, the limit scoped to Wealth at Active, the household limit, never, consent, quiet.
        report.Decisions.Where(d => !d.Sent).Select(d => d.DeniedBy).ShouldBe(
            [RuleKind.Limit, RuleKind.Limit, RuleKind.Limit, RuleKind.Exclusion, RuleKind.Consent, RuleKind.Quiet]);
        int proposals = 0;
        foreach (RuleScene scene in Desk.OneDenialPerRule)
        {
            // The denial is the point of each scene: it is its only one.
            report.Decisions.Skip(proposals).Take(scene.Proposals.Count).Count(d => !d.Sent).ShouldBe(1, scene.Title);
            proposals += scene.Proposals.Count;
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task The_desk_prints_a_denial_with_its_line_and_retry_time_for_each_language_v2_rule()
    {
        (int exitCode, string output, string error) = await OfferDeskProcess.RunAsync("--ledger", Path.Combine(_directory, "desk.db"));

        exitCode.ShouldBe(0, error);
        output.ShouldContain("17 offers proposed by 4 product managers, 3 sent, 14 held back.");
        string[] expected =
        [
            $"""
             2. 2027-04-12 14:00  customer-2001  Remortgage    via Email         from MortgageProductManager  ----
                  held back: denied: limit 'group Lending per customer: at most 1 per 90 days' ({Source("limit Lending ")}) — 1 of 1 used; retry at 2027-07-04T10:00:00+00:00
            """,
            $"""
             4. 2027-05-04 11:00  customer-2002  PlatinumCard  via DirectMail    from CardsProductManager     ----
                  held back: denied: limit 'DirectMail contacts per customer in Wealth at Active: at most 1 per calendar month' ({Source("limit DirectMail per customer in Wealth")}) — 1 of 1 used; retry at 2027-06-01T00:00:00+00:00
            """,
            $"""
             5. 2027-05-12 10:00  customer-2004  PersonalLoan  via DirectMail    from LoansProductManager     ----
                  held back: denied: limit 'offers per household: at most 4 per 30 days' ({Source("limit offers per household")}) — 4 of 4 used; retry at 2027-06-09T10:00:00+00:00
            """,
            $"""
             2. 2027-05-20 11:00  customer-2006  HomeInsurance via Telemarketing from InsuranceProductManager ----
                  held back: denied: exclusion 'never HomeInsurance after Remortgage within 60 days' ({Source("never HomeInsurance")}) — earlier contact: Remortgage at 2027-05-17T10:00:00+00:00; retry at 2027-07-16T10:00:00+00:00
            """,
            $"""
             1. 2027-05-24 10:00  customer-2007  Remortgage    via Telemarketing from MortgageProductManager  ----
                  held back: denied: consent 'channel Telemarketing requires consent' ({Source("channel Telemarketing")}) — no consent for the channel; never allowed
             2. 2027-05-24 11:00  customer-2007  Remortgage    via Email         from MortgageProductManager  SENT
            """,
            // Saturday 20:30 is quiet, and so is the whole of Sunday: the retry is Monday 09:00, and it goes out then.
            $"""
             1. 2027-05-29 20:30  customer-2008  HomeInsurance via Telemarketing from InsuranceProductManager ----
                  held back: denied: quiet hours 'quiet Telemarketing 20:00..09:00, Sunday' ({Source("quiet Telemarketing")}) — quiet now; retry at 2027-05-31T09:00:00+00:00
             2. 2027-05-31 09:00  customer-2008  HomeInsurance via Telemarketing from InsuranceProductManager SENT
            """,
        ];
        foreach (string lines in expected)
        {
            output.ShouldContain(lines, Case.Sensitive, output);
        }
    }

    /// <summary><c>offer-desk-bank.owner:N</c>, N the line of the sample's declaration that starts with <paramref name="declaration"/>.</summary>
    private static string Source(string declaration)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Baseline.RepoRoot, "samples", "OfferDesk", "offer-desk-bank.owner"));
        int line = Array.FindIndex(lines, l => l.StartsWith(declaration, StringComparison.Ordinal));
        line.ShouldBeGreaterThanOrEqualTo(0, declaration);
        return $"offer-desk-bank.owner:{line + 1}";
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

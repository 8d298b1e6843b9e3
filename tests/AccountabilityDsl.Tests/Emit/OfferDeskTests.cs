using AccountabilityDsl.Runtime;
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
            report = Desk.Run(ledger, "customer-1042", new Policy.Customer(12_500m), Desk.SeventeenOffersInThreeWeeks,
                new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc, log);
        }

        ContactLimit offersCap = Policy.ContactPolicy.Limits.Single(l => l.Scope == LimitScope.Offers);
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
        using (var ledger = new SqliteContactLedger(path))
        {
            Desk.Run(ledger, "c-7", new Policy.Customer(80_000m), Desk.SeventeenOffersInThreeWeeks, start, TimeZoneInfo.Utc).Sent.ShouldBe(3);
        }

        using (var ledger = new SqliteContactLedger(path))
        {
            // The same customer a month later: the year's three offers are used up.
            Desk.Run(ledger, "c-7", new Policy.Customer(80_000m), Desk.SeventeenOffersInThreeWeeks, start.AddDays(30), TimeZoneInfo.Utc).Sent.ShouldBe(0);
        }
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

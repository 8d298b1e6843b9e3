using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The language-v2 contact rules (groups, scoped and household limits, never, consent, quiet hours) as every ledger
/// must enforce them, through <see cref="ContactGate"/>. Expected verdicts and retry instants are computed by hand
/// in the comments, across month ends and DST changes in America/New_York and Europe/London.
/// </summary>
public abstract partial class ContactPolicyRuleTests : IDisposable
{
    private readonly List<IContactLedger> _ledgers = [];
    private int _keys;

    protected static TimeZoneInfo London { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    protected abstract IContactLedger CreateLedgerCore();

    public virtual void Dispose()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    private protected (ContactGate Gate, ManualClock Clock) Gate(ContactPolicy policy, TimeZoneInfo zone, DateTimeOffset start)
    {
        var ledger = CreateLedgerCore();
        _ledgers.Add(ledger);
        var clock = new ManualClock(start);
        return (new ContactGate(policy, ledger, clock, zone), clock);
    }

    private protected void Contact(ContactGate gate, ManualClock clock, DateTimeOffset at, ContactRequest request)
    {
        clock.Now = at;
        var result = gate.TryReserve(request, "k" + Interlocked.Increment(ref _keys));
        result.IsAllowed.ShouldBeTrue($"contact at {at}: {result.Decision}");
        gate.Commit(result.Reservation!).ShouldBe(CommitOutcome.Committed);
    }

    private protected static ContactDecision CheckAt(ContactGate gate, ManualClock clock, DateTimeOffset at, ContactRequest request)
    {
        clock.Now = at;
        return gate.Check(request);
    }

    protected static ContactPolicy Policy(
        IReadOnlyList<ContactLimit>? limits = null,
        IReadOnlyList<OfferExclusion>? exclusions = null,
        IReadOnlyList<ConsentRequirement>? consents = null,
        IReadOnlyList<QuietPeriod>? quiet = null) =>
        new("retail-bank", T.File, limits: limits ?? [], exemptCategories: ["transactional"],
            exclusions: exclusions ?? [], consents: consents ?? [], quietPeriods: quiet ?? []);

    protected static ContactRequest Req(string customer, string offer, string channel = "Email") => new(customer, channel, offer);

    // ---- groups ---------------------------------------------------------------------------------------------

    [Fact]
    public void A_group_limit_counts_every_offer_of_the_group_across_the_New_York_spring_change()
    {
        var lending = T.Limit(LimitScope.Group("Lending", ["BoatLoan", "Remortgage"]), 1, 90, TimeUnit.Day, line: 20);
        var (gate, clock) = Gate(Policy([lending]), T.NewYork, T.Utc(2026, 1, 1));
        // BoatLoan on 31 January 10:00 EST (15:00 UTC).
        Contact(gate, clock, T.At(T.NewYork, 2026, 1, 31, 10, 0, -5), Req("c1", "BoatLoan"));
        var denied = CheckAt(gate, clock, T.At(T.NewYork, 2026, 2, 1, 10, 0, -5), Req("c1", "Remortgage"));
        denied.IsAllowed.ShouldBeFalse();
        denied.Source.ShouldBe(T.Line(20));
        // 90 × 24 h later: 1 May 15:00 UTC, which is 11:00 EDT after the March change.
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 5, 1, 11, 0, -4));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 2, 1, 10, 0, -5), Req("c1", "PlatinumCard")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 5, 1, 10, 59, -4), Req("c1", "Remortgage")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 5, 1, 11, 0, -4), Req("c1", "Remortgage")).IsAllowed.ShouldBeTrue();
    }

    // ---- scoped limits --------------------------------------------------------------------------------------

    [Fact]
    public void A_segment_scoped_limit_applies_only_to_customers_in_the_segment()
    {
        var affluent = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 21) with { Segments = ["Affluent"] };
        var (gate, clock) = Gate(Policy([affluent]), T.NewYork, T.Utc(2026, 1, 1));
        var rich = Req("c1", "BoatLoan") with { Segments = ["Affluent", "Boaters"] };
        var mass = Req("c2", "BoatLoan") with { Segments = ["MassMarket"] };
        Contact(gate, clock, T.Utc(2026, 1, 10), rich);
        Contact(gate, clock, T.Utc(2026, 1, 10), mass);
        CheckAt(gate, clock, T.Utc(2026, 1, 11), rich).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2026, 1, 11), mass).IsAllowed.ShouldBeTrue();
        // The customer's contacts count whatever segment they were made in: c2 became Affluent since.
        CheckAt(gate, clock, T.Utc(2026, 1, 11), mass with { Segments = ["Affluent"] }).IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void A_request_without_the_segments_or_stage_a_scoped_limit_needs_is_an_argument_exception_naming_the_rule()
    {
        var scoped = T.Limit(LimitScope.Channel("Email"), 4, 1, TimeUnit.Month, calendar: true, line: 22) with
        {
            Segments = ["MassMarket"],
            Stages = ["Active"],
        };
        var (gate, _) = Gate(Policy([scoped]), London, T.Utc(2026, 1, 1));
        var noSegments = Should.Throw<ArgumentException>(() => gate.Check(new ContactRequest("c1", "Email") { Stage = "Active" }));
        noSegments.Message.ShouldContain("Email contacts per customer in MassMarket at Active");
        noSegments.Message.ShouldContain("retail-bank.owner:22");
        noSegments.Message.ShouldContain("Segments");
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "Email") { Segments = ["MassMarket"] }, "k"))
            .Message.ShouldContain("stage");
        // A request the limit's scope does not match needs nothing, and an exempt one is never refused.
        gate.Check(new ContactRequest("c1", "Sms")).IsAllowed.ShouldBeTrue();
        gate.Check(new ContactRequest("c1", "Email", Category: "transactional")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_stage_scoped_calendar_month_limit_frees_at_the_London_month_end_and_after_the_spring_change()
    {
        var scoped = T.Limit(LimitScope.Channel("Email"), 1, 1, TimeUnit.Month, calendar: true, line: 23) with
        {
            Segments = ["MassMarket"],
            Stages = ["Active"],
        };
        var (gate, clock) = Gate(Policy([scoped]), London, T.Utc(2026, 1, 1));
        var active = new ContactRequest("c1", "Email") { Segments = ["MassMarket"], Stage = "Active" };
        Contact(gate, clock, T.At(London, 2026, 1, 31, 23, 30, 0), active);
        var denied = CheckAt(gate, clock, T.At(London, 2026, 1, 31, 23, 59, 0), active);
        denied.RetryAt.ShouldBe(T.At(London, 2026, 2, 1, 0, 0, 0));
        CheckAt(gate, clock, T.At(London, 2026, 2, 1, 0, 0, 0), active).IsAllowed.ShouldBeTrue();
        // At another stage the limit does not apply.
        CheckAt(gate, clock, T.At(London, 2026, 1, 31, 23, 59, 0), active with { Stage = "Retention" }).IsAllowed.ShouldBeTrue();
        // March: a contact on 15 March frees at 1 April 00:00 BST (31 March 23:00 UTC).
        Contact(gate, clock, T.At(London, 2026, 3, 15, 12, 0, 0), active);
        CheckAt(gate, clock, T.At(London, 2026, 3, 31, 23, 0, 1), active).RetryAt.ShouldBe(T.At(London, 2026, 4, 1, 0, 0, 1));
    }

    // ---- households -----------------------------------------------------------------------------------------

    [Fact]
    public void A_household_limit_counts_every_member_and_a_customer_without_one_is_a_household_of_one()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 24) with { PerHousehold = true };
        var (gate, clock) = Gate(Policy([household]), T.NewYork, T.Utc(2026, 1, 1));
        Contact(gate, clock, T.Utc(2026, 1, 31, 12), Req("alice", "BoatLoan") with { HouseholdId = "h1" });
        var bob = CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("bob", "Remortgage") with { HouseholdId = "h1" });
        bob.IsAllowed.ShouldBeFalse();
        bob.Description().ShouldContain("offers per household");
        bob.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 2, 7, 0, -5)); // 31 Jan 12:00 UTC + 30 days = 2 Mar 12:00 UTC
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("carol", "Remortgage") with { HouseholdId = "h2" }).IsAllowed.ShouldBeTrue();
        // Without a household id: the customer's own contacts only.
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("bob", "Remortgage")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("alice", "Remortgage")).IsAllowed.ShouldBeFalse();
        gate.Ledger.Find("alice", "k1")!.Value.Entry.HouseholdId.ShouldBe("h1");
    }

    // ---- never ----------------------------------------------------------------------------------------------

    [Fact]
    public void Never_with_refuses_either_order_names_the_earlier_contact_and_frees_exactly_at_the_window_end()
    {
        var never = new OfferExclusion(["BoatLoan"], false, ["Remortgage"], new TimeWindow(30, TimeUnit.Day), T.Line(25), "never BoatLoan with Remortgage within 30 days");
        var (gate, clock) = Gate(Policy(exclusions: [never]), London, T.Utc(2026, 1, 1));
        // Remortgage on 10 March 09:00 GMT; 30 × 24 h later is 9 April 09:00 UTC = 10:00 BST.
        Contact(gate, clock, T.At(London, 2026, 3, 10, 9, 0, 0), Req("c1", "Remortgage"));
        var denied = CheckAt(gate, clock, T.At(London, 2026, 4, 1, 9, 0, 1), Req("c1", "BoatLoan"));
        denied.IsAllowed.ShouldBeFalse();
        denied.Kind.ShouldBe(RuleKind.Exclusion);
        denied.Source.ShouldBe(T.Line(25));
        denied.Reason!.EarlierOffer.ShouldBe("Remortgage");
        denied.Reason.EarlierAt.ShouldBe(T.At(London, 2026, 3, 10, 9, 0, 0));
        denied.RetryAt.ShouldBe(T.At(London, 2026, 4, 9, 10, 0, 1));
        denied.ToString().ShouldContain("earlier contact: Remortgage at 2026-03-10T09:00:00+00:00");
        CheckAt(gate, clock, T.At(London, 2026, 4, 9, 9, 59, 1), Req("c1", "BoatLoan")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(London, 2026, 4, 9, 10, 0, 1), Req("c1", "BoatLoan")).IsAllowed.ShouldBeTrue();
        // Other customers and offers are not affected.
        CheckAt(gate, clock, T.At(London, 2026, 4, 1, 9, 0, 1), Req("c2", "BoatLoan")).IsAllowed.ShouldBeTrue();
        // The other order: BoatLoan first, then Remortgage is refused too.
        Contact(gate, clock, T.At(London, 2026, 4, 20, 9, 0, 1), Req("c3", "BoatLoan"));
        CheckAt(gate, clock, T.At(London, 2026, 4, 21, 9, 0, 1), Req("c3", "Remortgage")).Kind.ShouldBe(RuleKind.Exclusion);
    }

    [Fact]
    public void Never_after_refuses_only_the_later_offer()
    {
        var never = new OfferExclusion(["Remortgage"], true, ["BoatLoan"], new TimeWindow(90, TimeUnit.Day), T.Line(26), "never Remortgage after BoatLoan within 90 days");
        var (gate, clock) = Gate(Policy(exclusions: [never]), T.NewYork, T.Utc(2026, 1, 1));
        Contact(gate, clock, T.Utc(2026, 1, 5), Req("c1", "Remortgage"));
        Contact(gate, clock, T.Utc(2026, 1, 6), Req("c1", "BoatLoan"));
        var denied = CheckAt(gate, clock, T.Utc(2026, 1, 7), Req("c1", "Remortgage"));
        denied.Kind.ShouldBe(RuleKind.Exclusion);
        denied.Reason!.EarlierOffer.ShouldBe("BoatLoan");
        // 6 January 00:00 UTC + 90 days = 6 April 00:00 UTC = 5 April 20:00 EDT.
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 4, 5, 20, 0, -4));
        CheckAt(gate, clock, T.Utc(2026, 1, 7), Req("c1", "BoatLoan")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Ranking_excludes_offers_a_never_rule_refuses_and_says_why()
    {
        var never = new OfferExclusion(["Remortgage"], true, ["BoatLoan"], new TimeWindow(90, TimeUnit.Day), T.Line(26), "never Remortgage after BoatLoan within 90 days");
        var (gate, clock) = Gate(Policy(exclusions: [never]), TimeZoneInfo.Utc, T.Utc(2026, 1, 1));
        Contact(gate, clock, T.Utc(2026, 1, 6), Req("c1", "BoatLoan"));
        clock.Now = T.Utc(2026, 1, 7);
        var remortgage = new OfferDefinition("Remortgage", "Sales", 50, 1, ["Email"]);
        var card = new OfferDefinition("PlatinumCard", "Sales", 10, 2, ["Email"]);
        var ranked = gate.RankOffers(new ContactRequest("c1", "-"), [new OfferCandidate(remortgage, "Email", true), new OfferCandidate(card, "Email", true)]);
        ranked[0].Candidate.Offer.Name.ShouldBe("PlatinumCard");
        ranked[0].IsAllowed.ShouldBeTrue();
        ranked[1].IsExcluded.ShouldBeTrue();
        ranked[1].ExclusionReason.ShouldBe("offer 'Remortgage' is excluded by 'never Remortgage after BoatLoan within 90 days' (retail-bank.owner:26): earlier contact BoatLoan at 2026-01-06T00:00:00+00:00; excluded until 2026-04-06T00:00:00+00:00");
    }

    // ---- consent --------------------------------------------------------------------------------------------

    [Fact]
    public void A_channel_that_requires_consent_is_denied_without_it_and_never_retries_by_itself()
    {
        var (gate, _) = Gate(Policy(consents: [new ConsentRequirement("Telemarketing", T.Line(10))]), TimeZoneInfo.Utc, T.Utc(2026, 1, 1));
        var denied = gate.Check(new ContactRequest("c1", "Telemarketing", "Remortgage"));
        denied.Kind.ShouldBe(RuleKind.Consent);
        denied.RetryAt.ShouldBeNull();
        denied.Source.ShouldBe(T.Line(10));
        gate.TryReserve(new ContactRequest("c1", "Telemarketing") { Consents = ["Email"] }, "k").IsAllowed.ShouldBeFalse();
        gate.TryReserve(new ContactRequest("c1", "Telemarketing") { Consents = ["Telemarketing"] }, "k").IsAllowed.ShouldBeTrue();
        gate.Check(new ContactRequest("c1", "Email")).IsAllowed.ShouldBeTrue();
        gate.Check(new ContactRequest("c1", "Telemarketing", Category: "transactional")).IsExempt.ShouldBeTrue();
    }

    // ---- quiet hours ----------------------------------------------------------------------------------------

    private static QuietPeriod Quiet(string channel, int fromHour, int fromMinute, int toHour, int toMinute, params DayOfWeek[] days) =>
        new(channel, [(new TimeSpan(fromHour, fromMinute, 0), new TimeSpan(toHour, toMinute, 0))], days, T.Line(27), "quiet");

    [Fact]
    public void Quiet_hours_crossing_midnight_and_a_quiet_Sunday_retry_at_Monday_nine_after_the_New_York_spring_change()
    {
        var quiet = Quiet("Telemarketing", 20, 0, 9, 0, DayOfWeek.Sunday);
        var (gate, clock) = Gate(Policy(quiet: [quiet]), T.NewYork, T.Utc(2026, 1, 1));
        var call = new ContactRequest("c1", "Telemarketing");
        // Saturday 7 March 21:00 EST: quiet until Sunday 00:00, Sunday is quiet, then Monday 00:00..09:00; the clocks
        // go forward on Sunday 8 March, so Monday 09:00 is EDT.
        var denied = CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 7, 21, 0, -5), call);
        denied.Kind.ShouldBe(RuleKind.Quiet);
        denied.Source.ShouldBe(T.Line(27));
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 9, 9, 0, -4));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 8, 59, -4), call).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 9, 0, -4), call).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 19, 59, -4), call).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), call).RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 10, 9, 0, -4));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), new ContactRequest("c1", "Email")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), call with { Category = "transactional" }).IsAllowed.ShouldBeTrue();
        gate.TryReserve(call, "quiet-key").IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void A_quiet_period_ending_in_the_London_spring_gap_ends_when_the_clocks_have_gone_forward()
    {
        // 23:00..01:30; on Sunday 29 March 2026 London goes from 01:00 GMT to 02:00 BST, so 01:30 does not exist:
        // the quiet time ends at 02:30 BST (01:30 UTC), the instant the gap shifts it to.
        var (gate, clock) = Gate(Policy(quiet: [Quiet("Telemarketing", 23, 0, 1, 30)]), London, T.Utc(2026, 1, 1));
        var denied = CheckAt(gate, clock, T.At(London, 2026, 3, 28, 23, 30, 0), new ContactRequest("c1", "Telemarketing"));
        denied.RetryAt.ShouldBe(T.At(London, 2026, 3, 29, 2, 30, 1));
        // Autumn: 25 October 2026, 02:00 BST goes back to 01:00 GMT; a quiet time ending at 01:30 ends at its first
        // occurrence, 01:30 BST (00:30 UTC).
        CheckAt(gate, clock, T.At(London, 2026, 10, 24, 23, 30, 1), new ContactRequest("c1", "Telemarketing"))
            .RetryAt.ShouldBe(T.At(London, 2026, 10, 25, 1, 30, 1));
    }

    [Fact]
    public void A_channel_quiet_at_every_hour_never_retries()
    {
        var (gate, _) = Gate(Policy(quiet: [Quiet("Telemarketing", 0, 0, 24, 0)]), TimeZoneInfo.Utc, T.Utc(2026, 1, 1));
        var denied = gate.Check(new ContactRequest("c1", "Telemarketing"));
        denied.Kind.ShouldBe(RuleKind.Quiet);
        denied.RetryAt.ShouldBeNull();
    }

    // ---- races ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Two_tasks_racing_A_and_B_under_a_never_rule_never_both_win()
    {
        var never = new OfferExclusion(["A"], false, ["B"], new TimeWindow(30, TimeUnit.Day), T.Line(25), "never A with B within 30 days");
        var (gate, _) = Gate(Policy(exclusions: [never]), TimeZoneInfo.Utc, T.Utc(2026, 1, 1));
        for (var round = 0; round < 200; round++)
        {
            var customer = "c" + round;
            var wins = await Task.WhenAll(
                Task.Run(() => gate.TryReserve(Req(customer, "A"), "a").IsAllowed),
                Task.Run(() => gate.TryReserve(Req(customer, "B"), "b").IsAllowed));
            wins.Count(w => w).ShouldBe(1, $"round {round}");
        }
    }

    [Fact]
    public async Task Two_members_of_a_household_racing_for_its_last_slot_never_both_win()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day) with { PerHousehold = true };
        var (gate, _) = Gate(Policy([household]), TimeZoneInfo.Utc, T.Utc(2026, 1, 1));
        for (var round = 0; round < 200; round++)
        {
            var home = "h" + round;
            var wins = await Task.WhenAll(
                Task.Run(() => gate.TryReserve(Req("alice" + round, "A") with { HouseholdId = home }, "a").IsAllowed),
                Task.Run(() => gate.TryReserve(Req("bob" + round, "B") with { HouseholdId = home }, "b").IsAllowed));
            wins.Count(w => w).ShouldBe(1, $"round {round}");
        }
    }
}

internal static class DecisionText
{
    public static string Description(this ContactDecision decision) => decision.RuleDescription ?? "";
}

public sealed class InMemoryContactPolicyRuleTests : ContactPolicyRuleTests
{
    protected override IContactLedger CreateLedgerCore() => new InMemoryContactLedger();
}

public sealed class SqliteContactPolicyRuleTests : ContactPolicyRuleTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("contact-rules-").FullName;
    private int _files;

    protected override IContactLedger CreateLedgerCore() =>
        new SqliteContactLedger(Path.Combine(_dir, $"ledger{Interlocked.Increment(ref _files)}.db"));

    protected override int Streams => 25;

    public override void Dispose()
    {
        base.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void A_version_1_database_is_migrated_and_keeps_its_contacts_as_households_of_one()
    {
        var path = Path.Combine(_dir, "v1.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE contacts (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, idem_key TEXT NOT NULL, channel TEXT NOT NULL,
                    offer TEXT NULL, category TEXT NULL, counted INTEGER NOT NULL, at INTEGER NOT NULL, expires INTEGER NOT NULL,
                    state INTEGER NOT NULL, UNIQUE (customer, idem_key));
                CREATE TABLE events (customer TEXT NOT NULL, event TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (customer, event));
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO contacts (customer, idem_key, channel, offer, category, counted, at, expires, state) VALUES ('alice', 'old', 'Email', 'BoatLoan', NULL, 1, {T.Utc(2026, 1, 10).UtcTicks}, {long.MaxValue}, 1);";
            insert.ExecuteNonQuery();
        }

        using var ledger = new SqliteContactLedger(path);
        ledger.Find("alice", "old")!.Value.Entry.HouseholdId.ShouldBeNull();
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day) with { PerHousehold = true };
        var clock = new ManualClock(T.Utc(2026, 1, 11));
        var gate = new ContactGate(Policy([household]), ledger, clock, TimeZoneInfo.Utc);
        gate.Check(Req("alice", "Remortgage")).IsAllowed.ShouldBeFalse();
        gate.Check(Req("alice", "Remortgage") with { HouseholdId = "h1" }).IsAllowed.ShouldBeTrue();
        var reserved = gate.TryReserve(Req("bob", "Remortgage") with { HouseholdId = "h1" }, "new");
        gate.Commit(reserved.Reservation!).ShouldBe(CommitOutcome.Committed);
        ledger.Find("bob", "new")!.Value.Entry.HouseholdId.ShouldBe("h1");
        gate.Check(Req("alice", "Remortgage") with { HouseholdId = "h1" }).IsAllowed.ShouldBeFalse();

        using var version = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        version.Open();
        using var read = version.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        ((long)read.ExecuteScalar()!).ShouldBe(2);
    }
}

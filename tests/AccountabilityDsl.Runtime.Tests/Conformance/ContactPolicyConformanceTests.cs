using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The language-v2 contact rules (groups, scoped and household limits, never, consent, quiet hours) as every ledger
/// must enforce them, through <see cref="ContactGate"/>. Expected verdicts and retry instants are computed by hand in
/// the comments, across month ends and DST changes in America/New_York and Europe/London.
/// </summary>
public abstract partial class LedgerConformanceTests
{
    private static TimeZoneInfo London { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static ContactPolicy V2Policy(
        IReadOnlyList<ContactLimit>? limits = null,
        IReadOnlyList<OfferExclusion>? exclusions = null,
        IReadOnlyList<ConsentRequirement>? consents = null,
        IReadOnlyList<QuietPeriod>? quiet = null) =>
        new("retail-bank", T.File, limits: limits ?? [], exemptCategories: ["transactional"],
            exclusions: exclusions ?? [], consents: consents ?? [], quietPeriods: quiet ?? []);

    private static ContactRequest Req(string customer, string offer, string channel = "Email") => new(customer, channel, offer);

    private static OfferExclusion Never(string first, bool after, string second, int days, int line) =>
        new([first], after, [second], new TimeWindow(days, TimeUnit.Day), T.Line(line),
            $"never {first} {(after ? "after" : "with")} {second} within {days} days");

    private static QuietPeriod Quiet(string channel, int fromHour, int fromMinute, int toHour, int toMinute, params DayOfWeek[] days) =>
        new(channel, [(new TimeSpan(fromHour, fromMinute, 0), new TimeSpan(toHour, toMinute, 0))], days, T.Line(27), "quiet");

    /// <summary>Runs two reservations at once on the thread pool; exactly one of them may be allowed.</summary>
    private static async Task ExactlyOneWins(string what, Func<bool> first, Func<bool> second)
    {
        var wins = await Task.WhenAll(Task.Run(first), Task.Run(second));
        wins.Count(w => w).ShouldBe(1, what);
    }

    // ---- groups ---------------------------------------------------------------------------------------------

    [Fact]
    public void A_group_limit_counts_every_offer_of_the_group_across_the_New_York_spring_change()
    {
        var lending = T.Limit(LimitScope.Group("Lending", ["BoatLoan", "Remortgage"]), 1, 90, TimeUnit.Day, line: 20);
        var (gate, clock) = Gate(V2Policy([lending]), T.NewYork);
        // BoatLoan on 31 January 10:00 EST (15:00 UTC).
        Contact(gate, clock, T.At(T.NewYork, 2026, 1, 31, 10, 0, -5), Req("c1", "BoatLoan"));
        var denied = CheckAt(gate, clock, T.At(T.NewYork, 2026, 2, 1, 10, 0, -5), Req("c1", "Remortgage"));
        denied.IsAllowed.ShouldBeFalse();
        denied.Kind.ShouldBe(RuleKind.Limit);
        denied.Source.ShouldBe(T.Line(20));
        denied.RuleDescription.ShouldBe("group Lending per customer: at most 1 per 90 days");
        // 90 × 24 h later: 1 May 15:00 UTC, which is 11:00 EDT after the March change.
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 5, 1, 11, 0, -4));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 2, 1, 10, 0, -5), Req("c1", "PlatinumCard")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 5, 1, 10, 59, -4), Req("c1", "Remortgage")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 5, 1, 11, 0, -4), Req("c1", "Remortgage")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_group_limit_is_decided_in_the_reserve_step_when_another_worker_takes_the_group_slot_in_between()
    {
        var lending = T.Limit(LimitScope.Group("Lending", ["BoatLoan", "Remortgage"]), 1, 90, TimeUnit.Day, line: 20);
        var clock = new ManualClock(T.Utc(2026, 1, 10));
        var ledger = new InterleavingLedger(CreateLedger());
        var worker1 = new ContactGate(V2Policy([lending]), ledger.Inner, clock, TimeZoneInfo.Utc);
        var worker2 = new ContactGate(V2Policy([lending]), ledger, clock, TimeZoneInfo.Utc);
        ledger.BeforeNextReserve(() => worker1.Commit(worker1.TryReserve(Req("c1", "BoatLoan"), "a").Reservation!).ShouldBe(CommitOutcome.Committed));
        var late = worker2.TryReserve(Req("c1", "Remortgage"), "b");
        late.IsAllowed.ShouldBeFalse();
        late.Decision.Source.ShouldBe(T.Line(20));
    }

    // ---- scoped limits --------------------------------------------------------------------------------------

    [Fact]
    public void A_segment_scoped_limit_applies_only_to_customers_in_the_segment()
    {
        var affluent = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 21) with { Segments = ["Affluent"] };
        var (gate, clock) = Gate(V2Policy([affluent]), T.NewYork);
        var rich = Req("c1", "BoatLoan") with { Segments = ["Affluent", "Boaters"] };
        var mass = Req("c2", "BoatLoan") with { Segments = ["MassMarket"] };
        Contact(gate, clock, T.Utc(2026, 1, 10), rich);
        Contact(gate, clock, T.Utc(2026, 1, 10), mass);
        var denied = CheckAt(gate, clock, T.Utc(2026, 1, 11), rich);
        denied.IsAllowed.ShouldBeFalse();
        denied.RuleDescription.ShouldBe("offers per customer in Affluent: at most 1 per 30 days");
        denied.Source.ShouldBe(T.Line(21));
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
        var (gate, _) = Gate(V2Policy([scoped]), London);
        var noSegments = Should.Throw<ArgumentException>(() => gate.Check(new ContactRequest("c1", "Email") { Stage = "Active" }));
        noSegments.Message.ShouldContain("Email contacts per customer in MassMarket at Active: at most 4 per calendar month");
        noSegments.Message.ShouldContain("retail-bank.owner:22");
        noSegments.Message.ShouldContain("Segments");
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "Email") { Segments = ["MassMarket"] }, "k"))
            .Message.ShouldContain("stage");
        gate.Ledger.Find("c1", "k").ShouldBeNull("nothing is written for a request refused as an error");
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
        var (gate, clock) = Gate(V2Policy([scoped]), London);
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
        CheckAt(gate, clock, T.At(London, 2026, 3, 31, 23, 59, 1), active).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(London, 2026, 4, 1, 0, 0, 1), active).IsAllowed.ShouldBeTrue();
    }

    // ---- households -----------------------------------------------------------------------------------------

    [Fact]
    public void A_household_limit_counts_every_member_and_a_customer_without_one_is_a_household_of_one()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 24) with { PerHousehold = true };
        var (gate, clock) = Gate(V2Policy([household]), T.NewYork);
        Contact(gate, clock, T.Utc(2026, 1, 31, 12), Req("alice", "BoatLoan") with { HouseholdId = "h1" });
        var bob = CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("bob", "Remortgage") with { HouseholdId = "h1" });
        bob.IsAllowed.ShouldBeFalse();
        bob.RuleDescription.ShouldBe("offers per household: at most 1 per 30 days");
        bob.Source.ShouldBe(T.Line(24));
        bob.CurrentCount.ShouldBe(1);
        // 31 January 12:00 UTC + 30 × 24 h = 2 March 12:00 UTC = 07:00 EST.
        bob.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 2, 7, 0, -5));
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("carol", "Remortgage") with { HouseholdId = "h2" }).IsAllowed.ShouldBeTrue();
        // Without a household id: the customer's own contacts only.
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("bob", "Remortgage")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("alice", "Remortgage")).IsAllowed.ShouldBeFalse();
        gate.Ledger.Find("alice", $"k{_keys}").ShouldNotBeNull().Entry.HouseholdId.ShouldBe("h1");
        CheckAt(gate, clock, T.Utc(2026, 3, 2, 12).AddTicks(-1), Req("bob", "Remortgage") with { HouseholdId = "h1" }).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2026, 3, 2, 12), Req("bob", "Remortgage") with { HouseholdId = "h1" }).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_household_limit_retries_from_its_own_contacts_not_from_another_households_or_a_members_own()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 24) with { PerHousehold = true };
        var (gate, clock) = Gate(V2Policy([household]));
        // Older contacts that the h1 limit must not see: carol's in household h2, and alice's own one made without a
        // household id (a household of one). Both lie inside h1's 30-day window on 1 February.
        Contact(gate, clock, T.Utc(2026, 1, 10, 12), Req("carol", "BoatLoan") with { HouseholdId = "h2" });
        Contact(gate, clock, T.Utc(2026, 1, 20, 12), Req("alice", "BoatLoan"));
        Contact(gate, clock, T.Utc(2026, 1, 31, 12), Req("alice", "Remortgage") with { HouseholdId = "h1" });
        var bob = CheckAt(gate, clock, T.Utc(2026, 2, 1, 12), Req("bob", "PlatinumCard") with { HouseholdId = "h1" });
        bob.IsAllowed.ShouldBeFalse();
        bob.CurrentCount.ShouldBe(1);
        // Only alice's h1 contact of 31 January counts: free 30 × 24 h later (not 9 February, not 19 February).
        bob.RetryAt.ShouldBe(T.Utc(2026, 3, 2, 12));
        CheckAt(gate, clock, T.Utc(2026, 3, 2, 12).AddTicks(-1), Req("bob", "PlatinumCard") with { HouseholdId = "h1" }).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2026, 3, 2, 12), Req("bob", "PlatinumCard") with { HouseholdId = "h1" }).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_rolling_month_household_limit_from_31_January_frees_at_1_March_local_midnight_in_New_York()
    {
        var household = T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Month, line: 24) with { PerHousehold = true };
        var (gate, clock) = Gate(V2Policy([household]), T.NewYork);
        Contact(gate, clock, T.At(T.NewYork, 2026, 1, 31, 10, 0, -5), new ContactRequest("alice", "Email") { HouseholdId = "h1" });
        // 31 January + 1 month clamps to 28 February, and 28 February − 1 month is 28 January, before the contact:
        // it counts until local midnight on 1 March (05:00 UTC).
        var denied = CheckAt(gate, clock, T.At(T.NewYork, 2026, 2, 28, 23, 0, -5), new ContactRequest("bob", "Sms") { HouseholdId = "h1" });
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 1, 0, 0, -5));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 1, 0, 0, -5), new ContactRequest("bob", "Sms") { HouseholdId = "h1" }).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_household_slot_taken_by_another_member_between_the_steps_of_a_reserve_is_seen_by_that_reserve()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day, line: 24) with { PerHousehold = true };
        var clock = new ManualClock(T.Utc(2026, 1, 10));
        var ledger = new InterleavingLedger(CreateLedger());
        var worker1 = new ContactGate(V2Policy([household]), ledger.Inner, clock, TimeZoneInfo.Utc);
        var worker2 = new ContactGate(V2Policy([household]), ledger, clock, TimeZoneInfo.Utc);
        // Worker 2 has built its constraints for bob; before its reserve reaches the ledger, worker 1 reserves alice.
        ledger.BeforeNextReserve(() => worker1.TryReserve(Req("alice", "BoatLoan") with { HouseholdId = "h1" }, "a").IsAllowed.ShouldBeTrue());
        var bob = worker2.TryReserve(Req("bob", "Remortgage") with { HouseholdId = "h1" }, "b");
        bob.IsAllowed.ShouldBeFalse();
        bob.Decision.RuleDescription.ShouldBe("offers per household: at most 1 per 30 days");
        ledger.Find("bob", "b").ShouldBeNull();
    }

    [Fact]
    public async Task Two_members_of_a_household_racing_for_its_last_slot_never_both_win()
    {
        var household = T.Limit(LimitScope.Offers, 1, 30, TimeUnit.Day) with { PerHousehold = true };
        var (gate, _) = Gate(V2Policy([household]));
        for (var round = 0; round < 100; round++)
        {
            var home = "h" + round;
            await ExactlyOneWins($"race round {round}",
                () => gate.TryReserve(Req("alice" + round, "A") with { HouseholdId = home }, "a").IsAllowed,
                () => gate.TryReserve(Req("bob" + round, "B") with { HouseholdId = home }, "b").IsAllowed);
        }
    }

    [SkippableFact]
    public async Task Two_ledger_instances_on_one_store_racing_household_members_and_never_offers_never_both_win()
    {
        var ledger = CreateLedger();
        var peer = OpenPeer(ledger);
        Skip.If(peer is null, "this ledger cannot be opened twice on one store");
        var clock = new ManualClock(T.Utc(2026, 1, 1));
        var policy = V2Policy(
            [T.Limit(LimitScope.Group("CD", ["C", "D"]), 1, 30, TimeUnit.Day, line: 24) with { PerHousehold = true }],
            exclusions: [Never("A", false, "B", 30, 25)]);
        var one = new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc);
        var two = new ContactGate(policy, peer!, clock, TimeZoneInfo.Utc);
        for (var round = 0; round < 40; round++)
        {
            // Two members of one household, one offer each, through two ledger instances (as two processes would).
            var home = "h" + round;
            await ExactlyOneWins($"household round {round}",
                () => one.TryReserve(Req("alice" + round, "C") with { HouseholdId = home }, "a").IsAllowed,
                () => two.TryReserve(Req("bob" + round, "D") with { HouseholdId = home }, "b").IsAllowed);
            // One customer (no household: a household of one), A and B under the never rule.
            var customer = "solo" + round;
            await ExactlyOneWins($"never round {round}",
                () => one.TryReserve(Req(customer, "A"), "a").IsAllowed,
                () => two.TryReserve(Req(customer, "B"), "b").IsAllowed);
        }
    }

    // ---- never ----------------------------------------------------------------------------------------------

    [Fact]
    public void Never_with_refuses_either_order_names_the_earlier_contact_and_frees_exactly_at_the_window_end()
    {
        var never = Never("BoatLoan", false, "Remortgage", 30, 25);
        var (gate, clock) = Gate(V2Policy(exclusions: [never]), London);
        // Remortgage on 10 March 09:00 GMT; 30 × 24 h later is 9 April 09:00 UTC = 10:00 BST.
        Contact(gate, clock, T.At(London, 2026, 3, 10, 9, 0, 0), Req("c1", "Remortgage"));
        var denied = CheckAt(gate, clock, T.At(London, 2026, 4, 1, 9, 0, 1), Req("c1", "BoatLoan"));
        denied.IsAllowed.ShouldBeFalse();
        denied.Kind.ShouldBe(RuleKind.Exclusion);
        denied.Source.ShouldBe(T.Line(25));
        denied.Reason!.EarlierOffer.ShouldBe("Remortgage");
        denied.Reason.EarlierAt.ShouldBe(T.At(London, 2026, 3, 10, 9, 0, 0));
        denied.RetryAt.ShouldBe(T.At(London, 2026, 4, 9, 10, 0, 1));
        denied.ToString().ShouldBe(
            "denied: exclusion 'never BoatLoan with Remortgage within 30 days' (retail-bank.owner:25) — earlier contact: Remortgage at 2026-03-10T09:00:00+00:00; retry at 2026-04-09T10:00:00+01:00");
        CheckAt(gate, clock, T.At(London, 2026, 4, 9, 10, 0, 1).AddTicks(-1), Req("c1", "BoatLoan")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(London, 2026, 4, 9, 10, 0, 1), Req("c1", "BoatLoan")).IsAllowed.ShouldBeTrue();
        // Other customers and offers are not affected.
        CheckAt(gate, clock, T.At(London, 2026, 4, 1, 9, 0, 1), Req("c2", "BoatLoan")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(London, 2026, 4, 1, 9, 0, 1), Req("c1", "PlatinumCard")).IsAllowed.ShouldBeTrue();
        // The other order: BoatLoan first, then Remortgage is refused too.
        Contact(gate, clock, T.At(London, 2026, 4, 20, 9, 0, 1), Req("c3", "BoatLoan"));
        CheckAt(gate, clock, T.At(London, 2026, 4, 21, 9, 0, 1), Req("c3", "Remortgage")).Kind.ShouldBe(RuleKind.Exclusion);
    }

    [Fact]
    public void Never_after_refuses_only_the_later_offer_and_the_latest_earlier_contact_decides_the_retry()
    {
        var never = Never("Remortgage", true, "BoatLoan", 90, 26);
        var (gate, clock) = Gate(V2Policy(exclusions: [never]), T.NewYork);
        Contact(gate, clock, T.Utc(2026, 1, 5), Req("c1", "Remortgage"));
        Contact(gate, clock, T.Utc(2026, 1, 6), Req("c1", "BoatLoan"));
        Contact(gate, clock, T.Utc(2026, 1, 7), Req("c1", "BoatLoan"));
        var denied = CheckAt(gate, clock, T.Utc(2026, 1, 8), Req("c1", "Remortgage"));
        denied.Kind.ShouldBe(RuleKind.Exclusion);
        denied.Reason!.EarlierOffer.ShouldBe("BoatLoan");
        denied.Reason.EarlierAt.ShouldBe(T.At(T.NewYork, 2026, 1, 6, 19, 0, -5));
        // 7 January 00:00 UTC + 90 days = 7 April 00:00 UTC = 6 April 20:00 EDT.
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 4, 6, 20, 0, -4));
        CheckAt(gate, clock, T.Utc(2026, 1, 8), Req("c1", "BoatLoan")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_never_rule_between_groups_refuses_every_pair_of_their_offers()
    {
        var never = new OfferExclusion(["BoatLoan", "CarLoan"], false, ["Remortgage", "Heloc"], new TimeWindow(2, TimeUnit.Week), T.Line(28), "never Loans with Mortgages within 2 weeks");
        var (gate, clock) = Gate(V2Policy(exclusions: [never]));
        Contact(gate, clock, T.Utc(2026, 2, 1), Req("c1", "Heloc"));
        CheckAt(gate, clock, T.Utc(2026, 2, 2), Req("c1", "CarLoan")).Reason!.EarlierOffer.ShouldBe("Heloc");
        CheckAt(gate, clock, T.Utc(2026, 2, 2), Req("c1", "Remortgage")).IsAllowed.ShouldBeTrue("one side's offers do not exclude each other");
        // 1 February + 2 × 7 × 24 h = 15 February 00:00 UTC.
        CheckAt(gate, clock, T.Utc(2026, 2, 14), Req("c1", "BoatLoan")).RetryAt.ShouldBe(T.Utc(2026, 2, 15));
        CheckAt(gate, clock, T.Utc(2026, 2, 15), Req("c1", "BoatLoan")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_never_rule_is_decided_in_the_reserve_step_when_the_other_offer_is_reserved_in_between()
    {
        var never = Never("A", false, "B", 30, 25);
        var clock = new ManualClock(T.Utc(2026, 1, 10));
        var ledger = new InterleavingLedger(CreateLedger());
        var worker1 = new ContactGate(V2Policy(exclusions: [never]), ledger.Inner, clock, TimeZoneInfo.Utc);
        var worker2 = new ContactGate(V2Policy(exclusions: [never]), ledger, clock, TimeZoneInfo.Utc);
        ledger.BeforeNextReserve(() => worker1.TryReserve(Req("c1", "B"), "b").IsAllowed.ShouldBeTrue());
        var a = worker2.TryReserve(Req("c1", "A"), "a");
        a.IsAllowed.ShouldBeFalse();
        a.Decision.Kind.ShouldBe(RuleKind.Exclusion);
        a.Decision.Reason!.EarlierOffer.ShouldBe("B");
        ledger.Find("c1", "a").ShouldBeNull();
    }

    [Fact]
    public async Task Two_tasks_racing_A_and_B_under_a_never_rule_never_both_win()
    {
        var never = Never("A", false, "B", 30, 25);
        var (gate, _) = Gate(V2Policy(exclusions: [never]));
        for (var round = 0; round < 100; round++)
        {
            var customer = "c" + round;
            await ExactlyOneWins($"race round {round}",
                () => gate.TryReserve(Req(customer, "A"), "a").IsAllowed,
                () => gate.TryReserve(Req(customer, "B"), "b").IsAllowed);
        }
    }

    [Fact]
    public void Ranking_excludes_offers_a_never_rule_refuses_and_says_why()
    {
        var never = Never("Remortgage", true, "BoatLoan", 90, 26);
        var (gate, clock) = Gate(V2Policy(exclusions: [never]));
        Contact(gate, clock, T.Utc(2026, 1, 6), Req("c1", "BoatLoan"));
        clock.Now = T.Utc(2026, 1, 7);
        var remortgage = new OfferDefinition("Remortgage", "Sales", 50, 1, ["Email"]);
        var card = new OfferDefinition("PlatinumCard", "Sales", 10, 2, ["Email"]);
        var ranked = gate.RankOffers(new ContactRequest("c1", "-"), [new OfferCandidate(remortgage, "Email", true), new OfferCandidate(card, "Email", true)]);
        ranked[0].Candidate.Offer.Name.ShouldBe("PlatinumCard");
        ranked[0].IsAllowed.ShouldBeTrue();
        ranked[1].IsExcluded.ShouldBeTrue();
        ranked[1].Decision.ShouldNotBeNull().Kind.ShouldBe(RuleKind.Exclusion);
        ranked[1].ExclusionReason.ShouldBe("offer 'Remortgage' is excluded by 'never Remortgage after BoatLoan within 90 days' (retail-bank.owner:26): earlier contact BoatLoan at 2026-01-06T00:00:00+00:00; excluded until 2026-04-06T00:00:00+00:00");
        // The customer-id overload ranks the same way.
        gate.RankOffers("c1", [new OfferCandidate(remortgage, "Email", true)])[0].IsExcluded.ShouldBeTrue();
    }

    // ---- consent --------------------------------------------------------------------------------------------

    [Fact]
    public void A_channel_that_requires_consent_is_denied_without_it_and_never_retries_by_itself()
    {
        var (gate, _) = Gate(V2Policy(consents: [new ConsentRequirement("Telemarketing", T.Line(10))]));
        var denied = gate.Check(new ContactRequest("c1", "Telemarketing", "Remortgage") { Consents = [] });
        denied.Kind.ShouldBe(RuleKind.Consent);
        denied.RetryAt.ShouldBeNull();
        denied.Source.ShouldBe(T.Line(10));
        denied.ToString().ShouldBe("denied: consent 'channel Telemarketing requires consent' (retail-bank.owner:10) — no consent for the channel; never allowed");
        gate.TryReserve(new ContactRequest("c1", "Telemarketing") { Consents = ["Email"] }, "k").IsAllowed.ShouldBeFalse();
        gate.Ledger.Find("c1", "k").ShouldBeNull();
        gate.TryReserve(new ContactRequest("c1", "Telemarketing") { Consents = ["Telemarketing"] }, "k").IsAllowed.ShouldBeTrue();
        gate.Check(new ContactRequest("c1", "Email")).IsAllowed.ShouldBeTrue();
        gate.Check(new ContactRequest("c1", "Telemarketing", Category: "transactional")).IsExempt.ShouldBeTrue();
    }

    [Fact]
    public void A_request_on_a_consent_channel_that_does_not_say_the_consents_is_an_argument_exception_naming_the_rule()
    {
        var (gate, _) = Gate(V2Policy(consents: [new ConsentRequirement("Telemarketing", T.Line(10))]));
        var e = Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "Telemarketing"), "k"));
        e.Message.ShouldContain("channel Telemarketing requires consent (retail-bank.owner:10)");
        e.Message.ShouldContain("Consents");
        gate.Ledger.Find("c1", "k").ShouldBeNull();
    }

    // ---- quiet hours ----------------------------------------------------------------------------------------

    [Fact]
    public void Quiet_hours_crossing_midnight_and_a_quiet_Sunday_retry_at_Monday_nine_after_the_New_York_spring_change()
    {
        var (gate, clock) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 20, 0, 9, 0, DayOfWeek.Sunday)]), T.NewYork);
        var call = new ContactRequest("c1", "Telemarketing");
        // Saturday 7 March 21:00 EST: quiet until Sunday 00:00, Sunday is quiet, then Monday 00:00..09:00; the clocks
        // go forward on Sunday 8 March, so Monday 09:00 is EDT.
        var denied = CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 7, 21, 0, -5), call);
        denied.Kind.ShouldBe(RuleKind.Quiet);
        denied.Source.ShouldBe(T.Line(27));
        denied.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 9, 9, 0, -4));
        denied.ToString().ShouldBe("denied: quiet hours 'quiet' (retail-bank.owner:27) — quiet now; retry at 2026-03-09T09:00:00-04:00");
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 8, 59, -4), call).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 9, 0, -4), call).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 19, 59, -4), call).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), call).RetryAt.ShouldBe(T.At(T.NewYork, 2026, 3, 10, 9, 0, -4));
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), new ContactRequest("c1", "Email")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.At(T.NewYork, 2026, 3, 9, 20, 0, -4), call with { Category = "transactional" }).IsAllowed.ShouldBeTrue();
        gate.TryReserve(call, "quiet-key").IsAllowed.ShouldBeFalse();
        gate.Ledger.Find("c1", "quiet-key").ShouldBeNull();
    }

    [Fact]
    public void A_quiet_period_ending_in_the_London_spring_gap_ends_when_the_clocks_have_gone_forward()
    {
        // 23:00..01:30; on Sunday 29 March 2026 London goes from 01:00 GMT to 02:00 BST, so 01:30 does not exist:
        // the quiet time ends at the transition, 02:00 BST (01:00 UTC), the first wall time after 01:30.
        var (gate, clock) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 23, 0, 1, 30)]), London);
        var call = new ContactRequest("c1", "Telemarketing");
        CheckAt(gate, clock, T.At(London, 2026, 3, 28, 23, 30, 0), call).RetryAt.ShouldBe(T.At(London, 2026, 3, 29, 2, 0, 1));
        CheckAt(gate, clock, T.Utc(2026, 3, 29, 0, 59), call).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2026, 3, 29, 1, 0), call).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Quiet_hours_in_the_London_autumn_repeated_hour_end_at_the_first_free_instant()
    {
        // On Sunday 25 October 2026 London goes from 02:00 BST back to 01:00 GMT (01:00 UTC); 01:00..01:59 happens twice.
        var call = new ContactRequest("c1", "Telemarketing");
        // 23:00..01:30 from Saturday 23:30 BST: the quiet time ends at the first 01:30, 01:30 BST (00:30 UTC); the
        // second pass through 01:00..01:30 (01:00–01:30 UTC) is quiet again.
        var (gate, clock) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 23, 0, 1, 30)]), London);
        CheckAt(gate, clock, T.At(London, 2026, 10, 24, 23, 30, 1), call).RetryAt.ShouldBe(T.At(London, 2026, 10, 25, 1, 30, 1));
        CheckAt(gate, clock, T.Utc(2026, 10, 25, 0, 45), call).IsAllowed.ShouldBeTrue();
        var again = CheckAt(gate, clock, T.Utc(2026, 10, 25, 1, 10), call);
        again.IsAllowed.ShouldBeFalse();
        // In the second pass (01:10 GMT) the quiet time ends at the second 01:30: 01:30 GMT, not the earlier 01:30 BST.
        again.RetryAt.ShouldBe(T.At(London, 2026, 10, 25, 1, 30, 0));

        // 01:30..03:00: at 01:45 BST the clocks go back to 01:00 GMT, out of the range, so the quiet time ends at the
        // transition (01:00 UTC) and starts again at 01:30 GMT.
        var (gate2, clock2) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 1, 30, 3, 0)]), London);
        CheckAt(gate2, clock2, T.At(London, 2026, 10, 25, 1, 45, 1), call).RetryAt.ShouldBe(T.At(London, 2026, 10, 25, 1, 0, 0));
        CheckAt(gate2, clock2, T.Utc(2026, 10, 25, 1, 0).AddTicks(-1), call).IsAllowed.ShouldBeFalse();
        CheckAt(gate2, clock2, T.Utc(2026, 10, 25, 1, 0), call).IsAllowed.ShouldBeTrue();
        CheckAt(gate2, clock2, T.Utc(2026, 10, 25, 1, 30), call).RetryAt.ShouldBe(T.At(London, 2026, 10, 25, 3, 0, 0));
    }

    [Fact]
    public void A_limit_whose_retry_falls_in_quiet_hours_retries_when_the_quiet_time_ends()
    {
        var daily = T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day, line: 30);
        var (gate, clock) = Gate(V2Policy([daily], quiet: [Quiet("Telemarketing", 20, 0, 9, 0)]), London);
        // An email at 22:00 GMT on 5 January; the call limit frees at 22:00 on the 6th, inside the quiet hours, so the
        // first instant a call is allowed is 09:00 on the 7th.
        Contact(gate, clock, T.At(London, 2026, 1, 5, 22, 0, 0), new ContactRequest("c1", "Email"));
        var denied = CheckAt(gate, clock, T.At(London, 2026, 1, 6, 10, 0, 0), new ContactRequest("c1", "Telemarketing"));
        denied.Kind.ShouldBe(RuleKind.Limit);
        denied.Reason!.RetryAt.ShouldBe(T.At(London, 2026, 1, 6, 22, 0, 0));
        denied.RetryAt.ShouldBe(T.At(London, 2026, 1, 7, 9, 0, 0));
        CheckAt(gate, clock, T.At(London, 2026, 1, 7, 9, 0, 0), new ContactRequest("c1", "Telemarketing")).IsAllowed.ShouldBeTrue();
        // An email is not quiet: its retry is the limit's.
        CheckAt(gate, clock, T.At(London, 2026, 1, 6, 10, 0, 0), new ContactRequest("c1", "Email")).RetryAt.ShouldBe(T.At(London, 2026, 1, 6, 22, 0, 0));
    }

    [Fact]
    public void A_channel_quiet_at_every_hour_never_retries()
    {
        var (gate, _) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 0, 0, 24, 0)]));
        var denied = gate.Check(new ContactRequest("c1", "Telemarketing"));
        denied.Kind.ShouldBe(RuleKind.Quiet);
        denied.RetryAt.ShouldBeNull();
    }

    [Fact]
    public void A_repeated_key_reserved_before_the_quiet_hours_keeps_its_reservation_during_them()
    {
        var (gate, clock) = Gate(V2Policy(quiet: [Quiet("Telemarketing", 20, 0, 9, 0)]), London, T.Utc(2026, 1, 5, 19, 58));
        var call = new ContactRequest("c1", "Telemarketing");
        var first = gate.TryReserve(call, "k", TimeSpan.FromMinutes(10));
        first.IsAllowed.ShouldBeTrue();
        clock.Now = T.Utc(2026, 1, 5, 20, 1);
        var repeat = gate.TryReserve(call, "k");
        repeat.IsAllowed.ShouldBeTrue();
        repeat.IsRepeat.ShouldBeTrue();
        repeat.Reservation!.ReservationId.ShouldBe(first.Reservation!.ReservationId);
        gate.TryReserve(call, "other").IsAllowed.ShouldBeFalse();
    }
}

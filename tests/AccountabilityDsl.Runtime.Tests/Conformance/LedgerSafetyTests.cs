using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The gate must never over-contact: races between workers (forced deterministically through
/// <see cref="InterleavingLedger"/>, and run on real threads), stale reservation handles, clock steps, bad input.
/// </summary>
public abstract partial class LedgerConformanceTests
{
    private static readonly ContactFilter SmsChannel = new(null, "sms", null, false);

    private static ContactPolicy OneSmsPerDayWithCooldown() => T.Policy(
        capacities: [new ChannelCapacity("sms", 1, TimeUnit.Day, T.Line(7))],
        cooldowns: [new Cooldown(30, "complaint", T.Line(9))]);

    private static int Used(IContactLedger ledger, ManualClock clock) =>
        ledger.Measure(new CountConstraint(SmsChannel, 0, 1), clock.Now.UtcTicks).Count;

    // ---- defect 1: a repeated key during a cool-down is decided in the same atomic step ----------------------------

    [Fact]
    public void Repeated_key_during_cooldown_racing_a_release_never_reserves_unchecked()
    {
        var clock = new ManualClock(T.Utc(2026, 5, 4, 9));
        var ledger = new InterleavingLedger(CreateLedger());
        var policy = OneSmsPerDayWithCooldown();
        var worker1 = new ContactGate(policy, ledger.Inner, clock, TimeZoneInfo.Utc);
        var worker2 = new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc);
        var held = worker1.TryReserve(new ContactRequest("c1", "sms"), "A").Reservation.ShouldNotBeNull();
        worker1.RecordEvent("c1", "complaint");

        // Between worker 2's look at key A and its reservation, worker 1 releases A and c2 takes the freed slot.
        ledger.BeforeNextReserve(() =>
        {
            worker1.Release(held).ShouldBeTrue();
            var other = worker1.TryReserve(new ContactRequest("c2", "sms"), "B");
            worker1.Commit(other.Reservation.ShouldNotBeNull()).ShouldBe(CommitOutcome.Committed);
        });
        var repeat = worker2.TryReserve(new ContactRequest("c1", "sms"), "A");
        if (repeat.Reservation is { } r)
        {
            worker2.Commit(r);
        }

        repeat.IsAllowed.ShouldBeFalse("key A was released: a new reservation must pass the cool-down and the capacity");
        repeat.Decision.Denials.ShouldContain(d => d.Kind == RuleKind.Cooldown);
        Used(ledger, clock).ShouldBe(1);
    }

    [Fact]
    public async Task Repeated_keys_releases_and_cooldowns_on_real_threads_never_exceed_capacity()
    {
        const int capacity = 3;
        var clock = new ManualClock(T.Utc(2026, 5, 4, 9));
        var ledger = CreateLedger();
        var gate = new ContactGate(T.Policy(
            capacities: [new ChannelCapacity("sms", capacity, TimeUnit.Day, T.Line(7))],
            cooldowns: [new Cooldown(30, "complaint", T.Line(9))]), ledger, clock, TimeZoneInfo.Utc);
        var committed = 0;
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 300; i++)
            {
                var customer = "c" + random.Next(6);
                if (random.Next(20) == 0)
                {
                    gate.RecordEvent(customer, "complaint");
                }
                var r = gate.TryReserve(new ContactRequest(customer, "sms"), "k" + random.Next(4));
                if (r.Reservation is not { } held || r.IsCommitted)
                {
                    continue;
                }
                if (random.Next(3) == 0 && gate.Commit(held) == CommitOutcome.Committed)
                {
                    Interlocked.Increment(ref committed);
                }
                else
                {
                    gate.Release(held);
                }
                Used(ledger, clock).ShouldBeLessThanOrEqualTo(capacity);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        committed.ShouldBeLessThanOrEqualTo(capacity);
        Used(ledger, clock).ShouldBeLessThanOrEqualTo(capacity);
    }

    // ---- defects 2 and 3: a reservation is identified by its id, not by (customer, key) ----------------------------

    [Fact]
    public void Commit_with_a_stale_handle_never_commits_the_new_holder_of_the_key()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]));
        var stale = gate.TryReserve(new ContactRequest("c1", "sms"), "k", TimeSpan.FromMinutes(1)).Reservation.ShouldNotBeNull();
        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation.ShouldNotBeNull();
        fresh.ReservationId.ShouldNotBe(stale.ReservationId);

        gate.Commit(stale).ShouldBe(CommitOutcome.Expired);
        gate.Ledger.Find("c1", "k").ShouldNotBeNull().IsCommitted.ShouldBeFalse();
        gate.Commit(fresh).ShouldBe(CommitOutcome.Committed);
        gate.Commit(stale).ShouldBe(CommitOutcome.Expired);
    }

    [Fact]
    public void Release_with_a_stale_handle_never_releases_the_new_holder_of_the_key()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]));
        var stale = gate.TryReserve(new ContactRequest("c1", "sms"), "k", TimeSpan.FromMinutes(1)).Reservation.ShouldNotBeNull();
        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation.ShouldNotBeNull();

        gate.Release(stale).ShouldBeFalse();
        gate.Ledger.Find("c1", "k").ShouldNotBeNull().ReservationId.ShouldBe(fresh.ReservationId);
        // The new holder's slot still counts: a second contact is refused against the cap of 1.
        gate.TryReserve(new ContactRequest("c1", "sms"), "other").IsAllowed.ShouldBeFalse();
        gate.Commit(fresh).ShouldBe(CommitOutcome.Committed);
    }

    [Fact]
    public void Reservation_ids_are_never_reused_after_release()
    {
        var (gate, _) = Gate(T.Policy());
        var first = gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation.ShouldNotBeNull();
        gate.Release(first).ShouldBeTrue();
        var second = gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation.ShouldNotBeNull();
        second.ReservationId.ShouldNotBe(first.ReservationId);
        gate.Commit(first).ShouldBe(CommitOutcome.Expired);
        gate.Release(first).ShouldBeFalse();
        gate.Commit(second).ShouldBe(CommitOutcome.Committed);
    }

    // ---- defects 6 and 7: clock steps ------------------------------------------------------------------------------

    [Fact]
    public void Backwards_clock_step_never_lets_an_expired_reservation_commit()
    {
        var clock = new ManualClock(T.Utc(2026, 5, 4, 9));
        var ledger = CreateLedger();
        var policy = T.Policy(capacities: [new ChannelCapacity("sms", 1, TimeUnit.Day, T.Line(7))]);
        var worker1 = new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc);
        var worker2Clock = new ManualClock(clock.Now);
        var worker2 = new ContactGate(policy, ledger, worker2Clock, TimeZoneInfo.Utc);
        var held = worker1.TryReserve(new ContactRequest("c1", "sms"), "a", TimeSpan.FromMinutes(1)).Reservation.ShouldNotBeNull();

        // Worker 2's clock is 2 minutes ahead: the hold has expired for it, so it takes the slot.
        worker2Clock.Advance(TimeSpan.FromMinutes(2));
        worker2.Commit(worker2.TryReserve(new ContactRequest("c2", "sms"), "b").Reservation.ShouldNotBeNull()).ShouldBe(CommitOutcome.Committed);

        // Worker 1's clock is still before the hold's expiry; the ledger has seen it expire and keeps it expired.
        clock.Advance(TimeSpan.FromSeconds(30));
        worker1.Commit(held).ShouldBe(CommitOutcome.Expired);
        Used(ledger, clock).ShouldBe(1);
    }

    [Fact]
    public void Check_with_the_clock_ahead_does_not_stop_a_pending_hold_from_counting()
    {
        var (gate, clock) = Gate(T.Policy(capacities: [new ChannelCapacity("sms", 1, TimeUnit.Day, T.Line(7))]), start: T.Utc(2026, 5, 4, 9));
        var held = gate.TryReserve(new ContactRequest("c1", "sms"), "a").Reservation.ShouldNotBeNull();
        clock.Advance(TimeSpan.FromMinutes(10));
        gate.Check(new ContactRequest("c2", "sms")).IsAllowed.ShouldBeTrue("a read sees the hold expired at its own time");
        clock.Advance(TimeSpan.FromMinutes(-9));
        gate.TryReserve(new ContactRequest("c2", "sms"), "b").IsAllowed.ShouldBeFalse("the hold still counts at the ledger's time");
        gate.Commit(held).ShouldBe(CommitOutcome.Committed);
        Used(gate.Ledger, clock).ShouldBe(1);
    }

    // ---- input: defects 4, 11, 12, 13 and white space ---------------------------------------------------------------

    // (A theory's string arguments are serialised by the test runner, which turns lone surrogates into U+FFFD.)
    [Fact]
    public void Ill_formed_UTF16_keys_are_refused_before_any_write()
    {
        foreach (var key in new[] { "order-\uD800", "order-\uD801", "order-\uDC01x", "\uD801" })
        {
            IllFormedKeyIsRefused(key);
        }
    }

    private void IllFormedKeyIsRefused(string key)
    {
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 5, 1, TimeUnit.Day)]));
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "sms"), key)).Message.ShouldContain("lone surrogate");
        var now = DateTimeOffset.UtcNow.UtcTicks;
        Should.Throw<ArgumentException>(() => gate.Ledger.TryReserve(
            new LedgerEntry("c1", key, "sms", null, null, true, now, now + 1), [], [], now));
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c" + key, "sms"), "k1"));
        gate.Ledger.Find("c1", key).ShouldBeNull();
        gate.Ledger.Measure(new CountConstraint(new ContactFilter("c1", null, null, false), 0, 5), now).Count.ShouldBe(0);
    }

    [Fact]
    public void Distinct_well_formed_keys_outside_the_BMP_stay_distinct()
    {
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 5, 1, TimeUnit.Day)]));
        gate.TryReserve(new ContactRequest("c1", "sms"), "order-\U0001F600").IsRepeat.ShouldBeFalse();
        gate.TryReserve(new ContactRequest("c1", "sms"), "order-\U0001F601").IsRepeat.ShouldBeFalse();
        gate.Ledger.Find("c1", "order-\U0001F601").ShouldNotBeNull().Entry.IdempotencyKey.ShouldBe("order-\U0001F601");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t \n")]
    [InlineData("")]
    public void Empty_or_white_space_customer_ids_are_refused(string customer)
    {
        var (gate, _) = Gate(T.Policy());
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest(customer, "sms"), "k"));
        Should.Throw<ArgumentException>(() => gate.Check(new ContactRequest(customer, "sms")));
        Should.Throw<ArgumentException>(() => gate.RecordEvent(customer, "complaint"));
    }

    [Fact]
    public void Unknown_channel_or_offer_names_are_an_error_not_a_free_pass()
    {
        var gold = new OfferDefinition("GoldCard", "cards", 1, 0, ["Email"]);
        var (gate, _) = Gate(T.Policy(
            limits: [T.Limit(LimitScope.Channel("Email"), 1, 1, TimeUnit.Day)],
            offers: [gold], channels: ["Email", "Sms"]));
        gate.Commit(gate.TryReserve(new ContactRequest("c1", "Email"), "k1").Reservation!).ShouldBe(CommitOutcome.Committed);
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "email"), "k2"))
            .Message.ShouldStartWith("Unknown channel 'email': policy 'retail-bank' declares Email, Sms (names are case-sensitive).");
        Should.Throw<ArgumentException>(() => gate.Check(new ContactRequest("c1", "email")));
        Should.Throw<ArgumentException>(() => gate.TryReserve(new ContactRequest("c1", "Sms", "goldcard"), "k3"))
            .Message.ShouldStartWith("Unknown offer 'goldcard'");
        gate.Ledger.Find("c1", "k2").ShouldBeNull();
        gate.TryReserve(new ContactRequest("c1", "Email"), "k4").IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void A_hold_longer_than_MaxHold_is_refused_before_any_write()
    {
        var (gate, _) = Gate(T.Policy());
        Should.Throw<ArgumentOutOfRangeException>(() => gate.TryReserve(new ContactRequest("c1", "sms"), "k", TimeSpan.MaxValue));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.TryReserve(new ContactRequest("c1", "sms"), "k", ContactGate.MaxHold + TimeSpan.FromTicks(1)));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.TryReserve(new ContactRequest("c1", "sms"), "k", TimeSpan.Zero));
        gate.Ledger.Find("c1", "k").ShouldBeNull();
        gate.TryReserve(new ContactRequest("c1", "sms"), "k", ContactGate.MaxHold).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Event_times_beyond_the_allowed_skew_are_refused_and_checks_keep_working()
    {
        var (gate, clock) = Gate(T.Policy(cooldowns: [new Cooldown(30, "complaint", T.Line(9))]));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.RecordEvent("c1", "complaint", DateTimeOffset.MaxValue));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.RecordEvent("c1", "complaint", clock.Now + ContactGate.MaxEventAhead + TimeSpan.FromTicks(1)));
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
        gate.RecordEvent("c1", "complaint", clock.Now + ContactGate.MaxEventAhead);
        var denied = gate.Check(new ContactRequest("c1", "sms"));
        denied.Kind.ShouldBe(RuleKind.Cooldown);
        denied.RetryAt.ShouldBe(clock.Now + ContactGate.MaxEventAhead + TimeSpan.FromDays(30));
    }

    // ---- defect 10: retention ----------------------------------------------------------------------------------------

    [Fact]
    public void Prune_refuses_a_retention_shorter_than_the_policys_longest_lookback()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Offers, 3, 365, TimeUnit.Day)]));
        Contact(gate, clock, T.Utc(2026, 1, 1), Offer());
        clock.Now = T.Utc(2026, 6, 1);
        gate.Policy.LongestLookback.ShouldBe(TimeSpan.FromDays(365));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.Prune(TimeSpan.FromDays(30))).Message.ShouldContain("longest look-back");
        Should.Throw<ArgumentOutOfRangeException>(() => gate.Prune(TimeSpan.Zero));
        Should.Throw<ArgumentOutOfRangeException>(() => gate.Prune(TimeSpan.FromDays(-1)));
        gate.Prune(TimeSpan.FromDays(365)).ShouldBe(0);
        gate.Ledger.Measure(new CountConstraint(new ContactFilter("c1", null, null, true), 0, 3), clock.Now.UtcTicks).Count.ShouldBe(1);
    }

    // ---- defect 5: channel counts, whatever the window start ---------------------------------------------------------

    [Fact]
    public void Channel_counts_match_a_brute_force_count_for_any_window_start()
    {
        var ledger = CreateLedger();
        var random = new Random(5);
        var start = T.Utc(2026, 3, 1).UtcTicks;
        var stored = new List<(long At, bool Counted, bool Committed, long Expires)>();
        var now = start + 4 * TimeSpan.TicksPerDay;
        for (var i = 0; i < 300; i++)
        {
            var at = start + random.NextInt64(4 * TimeSpan.TicksPerDay);
            var counted = random.Next(6) != 0;
            var commit = random.Next(3) != 0;
            var expires = at + random.NextInt64(1, 6 * TimeSpan.TicksPerDay);
            var result = ledger.TryReserve(new LedgerEntry("c" + (i % 7), "k" + i, "sms", null, null, counted, at, expires), [], [], at, commit);
            result.Status.ShouldBe(commit ? LedgerReserveStatus.Recorded : LedgerReserveStatus.Reserved);
            stored.Add((at, counted, commit, commit ? long.MaxValue : expires));
        }
        // The ledger's time is the latest reservation time; measure at a later instant.
        for (var probe = 0; probe < 60; probe++)
        {
            var from = start + random.NextInt64(-TimeSpan.TicksPerHour, 4 * TimeSpan.TicksPerDay);
            var expected = stored.Count(s => s.Counted && s.At >= from && s.Expires > now);
            ledger.Measure(new CountConstraint(SmsChannel, from, 1000), now).Count.ShouldBe(expected, $"from {new DateTime(from, DateTimeKind.Utc):O}");
        }
    }

    // ---- extension points: offer groups and households ---------------------------------------------------------------

    [Fact]
    public void Offer_group_and_household_filters_count_only_their_entries()
    {
        var ledger = CreateLedger();
        var now = T.Utc(2026, 3, 1).UtcTicks;
        void Add(string customer, string key, string? offer, string? household) =>
            ledger.TryReserve(new LedgerEntry(customer, key, "sms", offer, null, true, now, now + TimeSpan.TicksPerHour) { HouseholdId = household },
                [], [], now, commit: true).Status.ShouldBe(LedgerReserveStatus.Recorded);
        Add("c1", "1", "gold", "h1");
        Add("c2", "2", "silver", "h1");
        Add("c3", "3", "gold", "h2");
        Add("c1", "4", null, "h1");
        Add("c4", "5", "bronze", null);
        int Count(ContactFilter f) => ledger.Measure(new CountConstraint(f, 0, 100), now).Count;
        Count(new ContactFilter(null, null, null, false) { HouseholdId = "h1" }).ShouldBe(3);
        Count(new ContactFilter(null, null, null, false) { OfferIn = ["gold", "silver"] }).ShouldBe(3);
        Count(new ContactFilter(null, null, null, false) { OfferIn = ["gold", "silver"], HouseholdId = "h1" }).ShouldBe(2);
        Count(new ContactFilter("c1", null, null, false) { OfferIn = ["gold"] }).ShouldBe(1);
        ledger.Find("c2", "2").ShouldNotBeNull().Entry.HouseholdId.ShouldBe("h1");
        var denied = ledger.TryReserve(new LedgerEntry("c5", "6", "sms", "gold", null, true, now, now + 1) { HouseholdId = "h1" },
            [new CountConstraint(new ContactFilter(null, null, null, false) { HouseholdId = "h1" }, 0, 3)], [], now);
        denied.Status.ShouldBe(LedgerReserveStatus.Denied);
    }

    [Fact]
    public void MeasureIfAtCap_is_null_exactly_when_the_count_is_below_the_maximum_and_else_equals_Measure_also_for_many_at_once()
    {
        var ledger = CreateLedger();
        var t0 = T.Utc(2026, 3, 1).UtcTicks;
        var hour = TimeSpan.TicksPerHour;
        // c1 (household h1): 4 committed contacts an hour apart, one pending hold that expires at t0 + 5 h, one exempt;
        // c2 (household h1): 2 contacts; c3 alone.
        void Add(string customer, string key, string? offer, string? household, long at, bool commit = true, bool counted = true) =>
            ledger.TryReserve(new LedgerEntry(customer, key, "sms", offer, null, counted, at, at + hour) { HouseholdId = household },
                [], [], at, commit).Status.ShouldBeOneOf(LedgerReserveStatus.Recorded, LedgerReserveStatus.Reserved);
        for (var i = 0; i < 4; i++)
        {
            Add("c1", "c1-" + i, i % 2 == 0 ? "gold" : null, "h1", t0 + i * hour);
        }
        Add("c1", "pending", "gold", "h1", t0 + 4 * hour, commit: false);
        Add("c1", "exempt", "gold", "h1", t0 + 4 * hour, counted: false);
        Add("c2", "c2-0", "silver", "h1", t0 + hour);
        Add("c2", "c2-1", "gold", "h1", t0 + 2 * hour);
        Add("c3", "c3-0", "gold", null, t0);
        ContactFilter[] filters =
        [
            new("c1", null, null, false), new("c1", null, null, true), new("c1", null, "gold", false),
            new("c1", null, null, false) { OfferIn = ["gold", "silver"] }, new("c2", "sms", null, false),
            new(null, null, null, false) { HouseholdId = "h1" }, new(null, null, null, true) { HouseholdId = "h1" },
            new(null, "sms", null, false), new("nobody", null, null, false), new(null, null, null, false) { HouseholdId = "h9" },
        ];
        foreach (var now in new[] { t0 + 4 * hour + 1, t0 + 5 * hour + 1 })
        {
            var all = new List<CountConstraint>();
            foreach (var filter in filters)
            {
                foreach (var from in new[] { t0, t0 + hour + 1, t0 + 3 * hour })
                {
                    for (var max = 0; max <= 7; max++)
                    {
                        var constraint = new CountConstraint(filter, from, max);
                        all.Add(constraint);
                        var usage = ledger.Measure(constraint, now);
                        var atCap = ledger.MeasureIfAtCap(constraint, now);
                        if (usage.Count < max)
                        {
                            atCap.ShouldBeNull($"{filter} from +{(from - t0) / hour}h max {max}");
                        }
                        else
                        {
                            atCap.ShouldBe(usage, $"{filter} from +{(from - t0) / hour}h max {max}");
                        }
                    }
                }
            }
            // All of them in one call: the same answers, in order.
            var together = new WindowUsage?[all.Count];
            ledger.MeasureEachIfAtCap(all.ToArray(), together, now);
            together.ShouldBe(all.Select(c => ledger.MeasureIfAtCap(c, now)).ToArray());
        }
    }

    // ---- the one-call path ------------------------------------------------------------------------------------------

    [Fact]
    public void TryRecord_checks_and_records_a_committed_contact_in_one_step()
    {
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 2, 1, TimeUnit.Day)], cooldowns: [new Cooldown(3, "complaint", T.Line(9))]));
        var first = gate.TryRecord(new ContactRequest("c1", "sms"), "k1");
        first.IsAllowed.ShouldBeTrue();
        first.IsCommitted.ShouldBeTrue();
        first.IsRepeat.ShouldBeFalse();
        gate.Ledger.Find("c1", "k1").ShouldNotBeNull().IsCommitted.ShouldBeTrue();
        gate.Commit(first.Reservation!).ShouldBe(CommitOutcome.AlreadyCommitted);
        gate.TryRecord(new ContactRequest("c1", "sms"), "k1").IsRepeat.ShouldBeTrue();
        gate.TryRecord(new ContactRequest("c1", "sms"), "k2").IsAllowed.ShouldBeTrue();
        gate.TryRecord(new ContactRequest("c1", "sms"), "k3").Decision.Kind.ShouldBe(RuleKind.Limit);
        gate.RecordEvent("c2", "complaint");
        gate.TryRecord(new ContactRequest("c2", "sms"), "k1").Decision.Kind.ShouldBe(RuleKind.Cooldown);
    }

    // ---- shared storage -------------------------------------------------------------------------------------------

    [SkippableFact]
    public void Two_ledger_instances_on_one_store_share_the_cap()
    {
        var ledger = CreateLedger();
        var peer = OpenPeer(ledger);
        Skip.If(peer is null, "this ledger cannot be opened twice on one store");
        var clock = new ManualClock(T.Utc(2026, 1, 1));
        var policy = T.Policy(limits: [T.Limit(LimitScope.Contacts, 20, 30, TimeUnit.Day)]);
        var gates = new[] { new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc), new ContactGate(policy, peer!, clock, TimeZoneInfo.Utc) };
        var granted = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var r = gates[i % 2].TryReserve(new ContactRequest("c1", "sms"), "k" + i);
            if (r.IsAllowed)
            {
                Interlocked.Increment(ref granted);
                gates[i % 2].Commit(r.Reservation!);
            }
        });
        granted.ShouldBe(20);
    }
}

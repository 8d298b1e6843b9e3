using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The ledger conformance suite: the behaviour every <see cref="IContactLedger"/> must show, exercised through
/// <see cref="ContactGate"/> and the ledger interface. Every semantic test the ledgers share lives here once; a ledger
/// plugs in with one concrete subclass that says how to create an empty ledger (and, for shared storage, a second
/// instance on the same store). Other test projects link this folder (<c>Conformance/*.cs</c>).
/// Expected verdicts and retry instants are computed by hand in the comments.
/// </summary>
public abstract partial class LedgerConformanceTests : IDisposable
{
    private readonly List<IContactLedger> _ledgers = [];
    private int _keys;

    /// <summary>A new, empty ledger.</summary>
    protected abstract IContactLedger CreateLedgerCore();

    /// <summary>
    /// A second ledger instance on the same storage as <paramref name="ledger"/> (as another process would open it),
    /// or null when the ledger cannot be shared (in-memory).
    /// </summary>
    protected virtual IContactLedger? OpenPeerCore(IContactLedger ledger) => null;

    protected IContactLedger? OpenPeer(IContactLedger ledger)
    {
        var peer = OpenPeerCore(ledger);
        if (peer is not null)
        {
            _ledgers.Add(peer);
        }
        return peer;
    }

    protected IContactLedger CreateLedger()
    {
        var ledger = CreateLedgerCore();
        _ledgers.Add(ledger);
        return ledger;
    }

    public virtual void Dispose()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    private (ContactGate Gate, ManualClock Clock) Gate(ContactPolicy policy, TimeZoneInfo? zone = null, DateTimeOffset? start = null)
    {
        var clock = new ManualClock(start ?? T.Utc(2026, 1, 1));
        return (new ContactGate(policy, CreateLedger(), clock, zone ?? TimeZoneInfo.Utc), clock);
    }

    private void Contact(ContactGate gate, ManualClock clock, DateTimeOffset at, ContactRequest request)
    {
        clock.Now = at;
        var result = gate.TryReserve(request, "k" + Interlocked.Increment(ref _keys));
        result.IsAllowed.ShouldBeTrue($"contact at {at}: {result.Decision}");
        gate.Commit(result.Reservation!).ShouldBe(CommitOutcome.Committed);
    }

    private static ContactRequest Offer(string customer = "c1", string channel = "email", string offer = "gold-card") =>
        new(customer, channel, offer);

    private static ContactDecision CheckAt(ContactGate gate, ManualClock clock, DateTimeOffset at, ContactRequest request)
    {
        clock.Now = at;
        return gate.Check(request);
    }

    // ---- rolling windows ------------------------------------------------------------------------------------

    [Fact]
    public void Rolling_days_deny_until_oldest_contact_leaves_and_explain_with_source()
    {
        var (gate, clock) = Gate(T.Policy(limits:
            [new ContactLimit(LimitScope.Offers, 3, new TimeWindow(365, TimeUnit.Day), T.Line(41))]));
        Contact(gate, clock, T.Utc(2026, 3, 2, 10), Offer());
        Contact(gate, clock, T.Utc(2026, 6, 1, 10), Offer());
        Contact(gate, clock, T.Utc(2026, 9, 1, 10), Offer());

        var denied = CheckAt(gate, clock, T.Utc(2027, 1, 1), Offer());
        denied.IsAllowed.ShouldBeFalse();
        denied.Kind.ShouldBe(RuleKind.Limit);
        denied.CurrentCount.ShouldBe(3);
        denied.Cap.ShouldBe(3);
        denied.Source.ShouldBe(T.Line(41));
        // 2026-03-02T10:00Z + 365 × 24 h = 2027-03-02T10:00Z (2026 is not a leap year).
        denied.RetryAt.ShouldBe(T.Utc(2027, 3, 2, 10));
        denied.ToString().ShouldBe(
            "denied: limit 'offers per customer: at most 3 per 365 days' (retail-bank.owner:41) — 3 of 3 used; retry at 2027-03-02T10:00:00+00:00");

        CheckAt(gate, clock, T.Utc(2027, 3, 2, 10).AddTicks(-1), Offer()).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2027, 3, 2, 10), Offer()).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Rolling_days_are_exact_24h_across_spring_DST_change()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day)]), T.Berlin);
        // Saturday 28 March 2026 12:00 CET (11:00Z); clocks go forward on Sunday 29 March at 02:00.
        Contact(gate, clock, T.At(T.Berlin, 2026, 3, 28, 12, 0, 1), new ContactRequest("c1", "sms"));
        var d = CheckAt(gate, clock, T.At(T.Berlin, 2026, 3, 29, 12, 30, 2), new ContactRequest("c1", "sms"));
        // 12:30 CEST = 10:30Z, only 23.5 h later: still denied; retry 24 h after 11:00Z = 13:00 CEST.
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 3, 29, 13, 0, 2));
        d.RetryAt!.Value.Offset.ShouldBe(TimeSpan.FromHours(2));
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 3, 29, 13, 0, 2), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Rolling_month_from_31_January_counts_until_1_March_local_midnight()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Month)]), T.Berlin);
        Contact(gate, clock, T.At(T.Berlin, 2026, 1, 31, 10, 0, 1), new ContactRequest("c1", "sms"));

        // At 28 Feb 12:00 the window starts at 28 Jan 12:00 (28 Feb − 1 month): the contact still counts.
        var d = CheckAt(gate, clock, T.At(T.Berlin, 2026, 2, 28, 12, 0, 1), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        // 31 Jan + 1 month clamps to 28 Feb 10:00, whose window start (28 Jan) is before the contact; the first
        // instant whose window starts after 31 Jan 10:00 is 1 March 00:00 local (window start 1 Feb 00:00).
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 3, 1, 0, 0, 1));
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 2, 28, 23, 59, 1), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 3, 1, 0, 0, 1), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Rolling_month_without_clamping_retries_on_same_day_of_next_month()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Month)]), T.Berlin);
        Contact(gate, clock, T.At(T.Berlin, 2026, 3, 15, 9, 0, 1), new ContactRequest("c1", "sms"));
        // 15 March 09:00 CET + 1 month = 15 April 09:00 CEST (the wall time, not 30 × 24 h, and across DST).
        var d = CheckAt(gate, clock, T.At(T.Berlin, 2026, 4, 15, 8, 59, 2), new ContactRequest("c1", "sms"));
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 4, 15, 9, 0, 2));
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 4, 15, 9, 0, 2), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Rolling_year_from_leap_day_counts_until_1_March()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Year)]));
        Contact(gate, clock, T.Utc(2028, 2, 29, 12), new ContactRequest("c1", "sms"));
        // 28 Feb 2029 12:00 − 1 year = 28 Feb 2028 12:00 < 29 Feb 2028 12:00: still counted.
        var d = CheckAt(gate, clock, T.Utc(2029, 2, 28, 12), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBe(T.Utc(2029, 3, 1));
        CheckAt(gate, clock, T.Utc(2029, 2, 28, 23, 59, 59), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2029, 3, 1), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    // ---- calendar windows ------------------------------------------------------------------------------------

    [Fact]
    public void Calendar_day_on_spring_DST_day_is_23_hours()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day, calendar: true)]), T.Berlin);
        Contact(gate, clock, T.At(T.Berlin, 2026, 3, 29, 0, 30, 1), new ContactRequest("c1", "sms"));
        var d = CheckAt(gate, clock, T.At(T.Berlin, 2026, 3, 29, 23, 0, 2), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 3, 30, 0, 0, 2));
        // Midnight to midnight is 2026-03-28T23:00Z .. 2026-03-29T22:00Z: 23 hours.
        (d.RetryAt!.Value - T.At(T.Berlin, 2026, 3, 29, 0, 0, 1)).ShouldBe(TimeSpan.FromHours(23));
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 3, 30, 0, 0, 2), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Calendar_day_on_autumn_DST_day_is_25_hours()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day, calendar: true)]), T.NewYork);
        // Sunday 1 November 2026: New York falls back from EDT (−4) to EST (−5) at 02:00.
        Contact(gate, clock, T.At(T.NewYork, 2026, 11, 1, 0, 30, -4), new ContactRequest("c1", "sms"));
        var d = CheckAt(gate, clock, T.At(T.NewYork, 2026, 11, 1, 23, 30, -5), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBe(T.At(T.NewYork, 2026, 11, 2, 0, 0, -5));
        (d.RetryAt!.Value - T.At(T.NewYork, 2026, 11, 1, 0, 0, -4)).ShouldBe(TimeSpan.FromHours(25));
        d.ToString().ShouldEndWith("retry at 2026-11-02T00:00:00-05:00");
    }

    [Fact]
    public void Calendar_week_is_ISO_week_starting_Monday()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 2, 1, TimeUnit.Week, calendar: true)]));
        // Monday 2 March 2026 .. Sunday 8 March 2026.
        Contact(gate, clock, T.Utc(2026, 3, 4, 9), new ContactRequest("c1", "sms"));
        Contact(gate, clock, T.Utc(2026, 3, 8, 9), new ContactRequest("c1", "sms"));
        var d = CheckAt(gate, clock, T.Utc(2026, 3, 8, 23, 59), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBe(T.Utc(2026, 3, 9));
        CheckAt(gate, clock, T.Utc(2026, 3, 9), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
        // A contact on Sunday 1 March (previous ISO week) would not have counted.
    }

    [Fact]
    public void Calendar_window_of_two_weeks_includes_previous_week()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 2, 2, TimeUnit.Week, calendar: true)]));
        Contact(gate, clock, T.Utc(2026, 3, 4, 9), new ContactRequest("c1", "sms")); // week of 2 March
        Contact(gate, clock, T.Utc(2026, 3, 10, 9), new ContactRequest("c1", "sms")); // week of 9 March
        var d = CheckAt(gate, clock, T.Utc(2026, 3, 12), new ContactRequest("c1", "sms"));
        d.IsAllowed.ShouldBeFalse();
        d.CurrentCount.ShouldBe(2);
        // The window {week of 9 March, week of 16 March} no longer holds the 4 March contact.
        d.RetryAt.ShouldBe(T.Utc(2026, 3, 16));
        CheckAt(gate, clock, T.Utc(2026, 3, 16), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Calendar_month_from_31_January_frees_on_1_February_and_leap_February_on_1_March()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Month, calendar: true)]), T.Berlin);
        Contact(gate, clock, T.At(T.Berlin, 2026, 1, 31, 22, 0, 1), new ContactRequest("c1", "sms"));
        var d = CheckAt(gate, clock, T.At(T.Berlin, 2026, 1, 31, 23, 59, 1), new ContactRequest("c1", "sms"));
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 2, 1, 0, 0, 1));
        // 1 Feb 00:00 CET is 31 Jan 23:00Z: the calendar is the host's, not UTC's.
        d.RetryAt!.Value.UtcDateTime.ShouldBe(new DateTime(2026, 1, 31, 23, 0, 0, DateTimeKind.Utc));
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 2, 1, 0, 0, 1), new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();

        Contact(gate, clock, T.At(T.Berlin, 2028, 2, 29, 10, 0, 1), new ContactRequest("c2", "sms"));
        CheckAt(gate, clock, T.At(T.Berlin, 2028, 2, 29, 23, 0, 1), new ContactRequest("c2", "sms"))
            .RetryAt.ShouldBe(T.At(T.Berlin, 2028, 3, 1, 0, 0, 1));
    }

    [Fact]
    public void Calendar_year_resets_on_1_January_local()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Offers, 1, 1, TimeUnit.Year, calendar: true)]), T.NewYork);
        Contact(gate, clock, T.At(T.NewYork, 2026, 12, 31, 20, 0, -5), Offer());
        // 2027-01-01T01:00Z is still 31 December in New York.
        CheckAt(gate, clock, T.Utc(2027, 1, 1, 1), Offer()).RetryAt.ShouldBe(T.At(T.NewYork, 2027, 1, 1, 0, 0, -5));
        CheckAt(gate, clock, T.Utc(2027, 1, 1, 5), Offer()).IsAllowed.ShouldBeTrue();
    }

    // ---- scopes, capacity, cool-downs, exemptions --------------------------------------------------------------

    [Fact]
    public void Scopes_offers_contacts_channel_and_offer_count_different_contacts()
    {
        var (gate, clock) = Gate(T.Policy(limits:
        [
            T.Limit(LimitScope.Offers, 2, 30, TimeUnit.Day, line: 10),
            T.Limit(LimitScope.Contacts, 3, 30, TimeUnit.Day, line: 11),
            T.Limit(LimitScope.Channel("sms"), 1, 30, TimeUnit.Day, line: 12),
            T.Limit(LimitScope.Offer("gold-card"), 1, 30, TimeUnit.Day, line: 13),
        ]));
        var t = T.Utc(2026, 5, 1);
        Contact(gate, clock, t, Offer(offer: "gold-card"));
        var again = CheckAt(gate, clock, t, Offer(offer: "gold-card"));
        again.Source!.Line.ShouldBe(13);
        again.Denials.Count.ShouldBe(1);

        Contact(gate, clock, t, new ContactRequest("c1", "sms"));
        CheckAt(gate, clock, t, new ContactRequest("c1", "sms")).Source!.Line.ShouldBe(12);

        Contact(gate, clock, t, Offer(offer: "loan"));
        // offers: 2 of 2 (gold-card, loan); contacts: 3 of 3.
        var offer = CheckAt(gate, clock, t, Offer(offer: "savings"));
        offer.Denials.Select(x => x.Source.Line).ShouldBe([10, 11]);
        var plain = CheckAt(gate, clock, t, new ContactRequest("c1", "email"));
        plain.Denials.Select(x => x.Source.Line).ShouldBe([11]);
        plain.RuleDescription.ShouldBe("contacts per customer: at most 3 per 30 days");
        plain.CurrentCount.ShouldBe(3);

        CheckAt(gate, clock, t, Offer(customer: "c2")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Channel_capacity_counts_across_customers_per_calendar_period()
    {
        var (gate, clock) = Gate(T.Policy(capacities: [new ChannelCapacity("sms", 2, TimeUnit.Day, T.Line(20))]), T.Berlin);
        var t = T.At(T.Berlin, 2026, 6, 10, 9, 0, 2);
        Contact(gate, clock, t, new ContactRequest("c1", "sms"));
        Contact(gate, clock, t, new ContactRequest("c2", "sms"));
        var d = CheckAt(gate, clock, t, new ContactRequest("c3", "sms"));
        d.Kind.ShouldBe(RuleKind.Capacity);
        d.CurrentCount.ShouldBe(2);
        d.RetryAt.ShouldBe(T.At(T.Berlin, 2026, 6, 11, 0, 0, 2));
        d.ToString().ShouldBe(
            "denied: capacity 'channel sms capacity: at most 2 per calendar day' (retail-bank.owner:20) — 2 of 2 used; retry at 2026-06-11T00:00:00+02:00");
        CheckAt(gate, clock, t, new ContactRequest("c3", "email")).IsAllowed.ShouldBeTrue();
        gate.TryReserve(new ContactRequest("c3", "sms"), "x").IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.At(T.Berlin, 2026, 6, 11, 0, 0, 2), new ContactRequest("c3", "sms")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Cooldown_blocks_non_exempt_contacts_until_event_plus_days()
    {
        var (gate, clock) = Gate(T.Policy(
            cooldowns: [new Cooldown(30, "complaint", T.Line(30))],
            exempt: ["transactional"]));
        clock.Now = T.Utc(2026, 4, 1, 8);
        gate.RecordEvent("c1", "complaint");
        gate.RecordEvent("c1", "complaint", T.Utc(2026, 3, 1)); // an older report does not shorten it
        var d = CheckAt(gate, clock, T.Utc(2026, 4, 11), new ContactRequest("c1", "email"));
        d.Kind.ShouldBe(RuleKind.Cooldown);
        d.RetryAt.ShouldBe(T.Utc(2026, 5, 1, 8));
        d.ToString().ShouldBe(
            "denied: cool-down 'no contact within 30 days after complaint' (retail-bank.owner:30) — event at 2026-04-01T08:00:00+00:00; retry at 2026-05-01T08:00:00+00:00");
        gate.TryReserve(new ContactRequest("c1", "email"), "k").IsAllowed.ShouldBeFalse();
        CheckAt(gate, clock, T.Utc(2026, 4, 11), new ContactRequest("c1", "email", Category: "transactional")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.Utc(2026, 4, 11), new ContactRequest("c2", "email")).IsAllowed.ShouldBeTrue();
        CheckAt(gate, clock, T.Utc(2026, 5, 1, 8), new ContactRequest("c1", "email")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Exempt_categories_are_never_blocked_and_never_counted()
    {
        var (gate, clock) = Gate(T.Policy(
            limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day), T.Limit(LimitScope.Channel("sms"), 0, 30, TimeUnit.Day)],
            capacities: [new ChannelCapacity("email", 1, TimeUnit.Day, T.Line(5))],
            exempt: ["transactional"]));
        var t = T.Utc(2026, 5, 1);
        for (var i = 0; i < 5; i++)
        {
            var r = gate.TryReserve(new ContactRequest("c1", "sms", Category: "transactional"), "tx" + i);
            r.IsAllowed.ShouldBeTrue();
            r.Decision.IsExempt.ShouldBeTrue();
            r.Reservation!.IsExempt.ShouldBeTrue();
            gate.Commit(r.Reservation).ShouldBe(CommitOutcome.Committed);
            Contact(gate, clock, t, new ContactRequest("c9", "email", Category: "transactional"));
        }
        gate.Ledger.Find("c1", "tx0").ShouldNotBeNull().Entry.Counted.ShouldBeFalse();
        // Nothing was counted: the one regular contact allowed by the limit and the capacity is still free.
        CheckAt(gate, clock, t, new ContactRequest("c1", "email")).IsAllowed.ShouldBeTrue();
        Contact(gate, clock, t, new ContactRequest("c1", "email"));
        CheckAt(gate, clock, t, new ContactRequest("c1", "email")).IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void At_most_zero_never_allows_and_has_no_retry()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Offer("payday-loan"), 0, 1, TimeUnit.Year, line: 7)]));
        var d = gate.Check(Offer(offer: "payday-loan"));
        d.IsAllowed.ShouldBeFalse();
        d.RetryAt.ShouldBeNull();
        d.Cap.ShouldBe(0);
        d.ToString().ShouldBe("denied: limit 'offer payday-loan per customer: at most 0 per 1 year' (retail-bank.owner:7) — 0 of 0 used; never allowed");
        var r = gate.TryReserve(Offer(offer: "payday-loan"), "k");
        r.IsAllowed.ShouldBeFalse();
        r.Decision.RetryAt.ShouldBeNull();
        clock.Advance(TimeSpan.FromDays(3000));
        gate.Check(Offer(offer: "payday-loan")).IsAllowed.ShouldBeFalse();
        gate.Check(Offer(offer: "gold-card")).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Several_denying_rules_report_the_latest_retry_and_list_all()
    {
        var (gate, clock) = Gate(T.Policy(limits:
        [
            T.Limit(LimitScope.Offers, 1, 7, TimeUnit.Day, line: 10),
            T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day, line: 11),
            T.Limit(LimitScope.Channel("email"), 1, 1, TimeUnit.Day, line: 12),
        ]));
        Contact(gate, clock, T.Utc(2026, 5, 1), Offer());
        var d = CheckAt(gate, clock, T.Utc(2026, 5, 1, 1), Offer());
        d.Denials.Count.ShouldBe(3);
        d.Source!.Line.ShouldBe(11);
        d.RetryAt.ShouldBe(T.Utc(2026, 5, 31));
        d.ToString().ShouldEndWith("(+2 more denying rules)");
    }

    // ---- reservations ------------------------------------------------------------------------------------------

    [Fact]
    public void Pending_reservation_counts_until_released()
    {
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]));
        var r = gate.TryReserve(new ContactRequest("c1", "sms"), "a");
        r.IsAllowed.ShouldBeTrue();
        r.IsRepeat.ShouldBeFalse();
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeFalse();
        gate.TryReserve(new ContactRequest("c1", "sms"), "b").IsAllowed.ShouldBeFalse();
        gate.Release(r.Reservation!).ShouldBeTrue();
        gate.Release(r.Reservation!).ShouldBeFalse();
        gate.Commit(r.Reservation!).ShouldBe(CommitOutcome.NotFound);
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
        gate.TryReserve(new ContactRequest("c1", "sms"), "b").IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Uncommitted_reservation_expires_after_hold()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]));
        var r = gate.TryReserve(new ContactRequest("c1", "sms"), "a", TimeSpan.FromMinutes(1));
        r.Reservation!.ExpiresAt.ShouldBe(clock.Now + TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(59));
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(1));
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
        gate.Commit(r.Reservation!).ShouldBe(CommitOutcome.Expired);
        gate.Ledger.Find("c1", "a").ShouldNotBeNull().IsCommitted.ShouldBeFalse();

        // Reserving the expired key again makes a fresh reservation.
        var again = gate.TryReserve(new ContactRequest("c1", "sms"), "a");
        again.IsAllowed.ShouldBeTrue();
        again.IsRepeat.ShouldBeFalse();
        again.Reservation!.ReservedAt.ShouldBe(clock.Now);
        gate.Commit(again.Reservation).ShouldBe(CommitOutcome.Committed);
    }

    [Fact]
    public void Default_hold_is_five_minutes()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]));
        var r = gate.TryReserve(new ContactRequest("c1", "sms"), "a");
        r.Reservation!.ExpiresAt.ShouldBe(clock.Now.AddMinutes(5));
    }

    [Fact]
    public void Same_idempotency_key_returns_same_reservation_and_commit_twice_is_noop()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 2, 30, TimeUnit.Day)]));
        var first = gate.TryReserve(new ContactRequest("c1", "sms"), "key-1");
        clock.Advance(TimeSpan.FromSeconds(10));
        var second = gate.TryReserve(new ContactRequest("c1", "sms"), "key-1");
        second.IsAllowed.ShouldBeTrue();
        second.IsRepeat.ShouldBeTrue();
        second.Reservation.ShouldBe(first.Reservation);
        second.Reservation!.ReservedAt.ShouldBe(first.Reservation!.ReservedAt);
        gate.Ledger.Measure(new CountConstraint(new ContactFilter("c1", null, null, false), 0, 2), clock.Now.UtcTicks).Count.ShouldBe(1);

        gate.Commit(first.Reservation).ShouldBe(CommitOutcome.Committed);
        gate.Commit(second.Reservation).ShouldBe(CommitOutcome.AlreadyCommitted);
        gate.Release(first.Reservation).ShouldBeFalse();
        var third = gate.TryReserve(new ContactRequest("c1", "sms"), "key-1");
        third.IsRepeat.ShouldBeTrue();
        third.IsCommitted.ShouldBeTrue();
        third.Reservation!.ExpiresAt.ShouldBe(DateTimeOffset.MaxValue);

        // Exactly one slot used: one more distinct contact fits, then the cap is reached.
        gate.TryReserve(new ContactRequest("c1", "sms"), "key-2").IsAllowed.ShouldBeTrue();
        gate.TryReserve(new ContactRequest("c1", "sms"), "key-3").IsAllowed.ShouldBeFalse();
        // A repeated key is answered even when the cap is now full.
        gate.TryReserve(new ContactRequest("c1", "sms"), "key-1").IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Idempotency_keys_are_scoped_per_customer()
    {
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 5, 30, TimeUnit.Day)]));
        gate.TryReserve(new ContactRequest("c1", "sms"), "same").IsRepeat.ShouldBeFalse();
        gate.TryReserve(new ContactRequest("c2", "sms"), "same").IsRepeat.ShouldBeFalse();
    }

    [Fact]
    public void Prune_removes_old_contacts_and_expired_reservations_only()
    {
        var (gate, clock) = Gate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 10, 30, TimeUnit.Day)]));
        Contact(gate, clock, T.Utc(2026, 1, 1), new ContactRequest("c1", "sms"));
        clock.Now = T.Utc(2026, 3, 1);
        var expired = gate.TryReserve(new ContactRequest("c1", "sms"), "expired", TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromMinutes(2));
        var pending = gate.TryReserve(new ContactRequest("c1", "sms"), "pending");
        Contact(gate, clock, clock.Now, new ContactRequest("c1", "email"));
        gate.Prune(TimeSpan.FromDays(30)).ShouldBe(2);
        gate.Ledger.Find("c1", expired.Reservation!.IdempotencyKey).ShouldBeNull();
        gate.Ledger.Find("c1", pending.Reservation!.IdempotencyKey).ShouldNotBeNull();
        gate.Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeTrue();
        gate.Ledger.Measure(new CountConstraint(new ContactFilter("c1", null, null, false), 0, 10), clock.Now.UtcTicks).Count.ShouldBe(2);
    }

    // ---- arbitration ------------------------------------------------------------------------------------------

    [Fact]
    public void RankOffers_excludes_unapproved_then_orders_allowed_by_priority_and_declaration()
    {
        OfferDefinition Def(string name, int priority, int order, params string[] channels) => new(name, "sponsor-" + name, priority, order, channels);
        var a = Def("a", 1, 0);
        var b = Def("b", 5, 1);
        var c = Def("c", 5, 2, "email");
        var d = Def("d", 9, 3);
        var e = Def("e", 7, 4);
        var f = Def("f", 8, 5, "sms");
        var (gate, _) = Gate(T.Policy(limits: [T.Limit(LimitScope.Offer("e"), 0, 1, TimeUnit.Year, line: 3)], offers: [a, b, c, d, e, f]));
        var ranked = gate.RankOffers("c1",
        [
            new OfferCandidate(a, "email", true),
            new OfferCandidate(c, "email", true),
            new OfferCandidate(d, "email", false),
            new OfferCandidate(e, "email", true),
            new OfferCandidate(b, "email", true),
            new OfferCandidate(f, "email", true),
        ]);
        ranked.Select(r => r.Candidate.Offer.Name).ShouldBe(["b", "c", "a", "e", "d", "f"]);
        ranked.Select(r => r.Rank).ShouldBe([1, 2, 3, 4, 5, 6]);
        ranked.Take(3).ShouldAllBe(r => r.IsAllowed);
        ranked[3].IsAllowed.ShouldBeFalse();
        ranked[3].Decision!.Source!.Line.ShouldBe(3);
        ranked[4].IsExcluded.ShouldBeTrue();
        ranked[4].ExclusionReason.ShouldBe("offer 'd' is not approved by its accountable owner (sponsor-d)");
        ranked[4].Decision.ShouldBeNull();
        ranked[5].ExclusionReason.ShouldBe("offer 'f' is not offered through channel 'email'");
    }

    // ---- concurrency ------------------------------------------------------------------------------------------

    /// <summary>
    /// <paramref name="threads"/> threads each make <paramref name="attemptsPerThread"/> reserve attempts (committing
    /// every success) against one customer's cap of 50 per 365 days; exactly 50 may succeed.
    /// </summary>
    [Fact]
    public Task Eight_threads_x_20000_attempts_never_exceed_cap() => ConcurrentReservationsNeverExceedCap(8, 20_000);

    protected async Task ConcurrentReservationsNeverExceedCap(int threads, int attemptsPerThread)
    {
        const int cap = 50;
        var clock = new ManualClock(T.Utc(2026, 5, 1));
        var ledger = CreateLedger();
        var gate = new ContactGate(T.Policy(limits: [T.Limit(LimitScope.Offers, cap, 365, TimeUnit.Day)]), ledger, clock, TimeZoneInfo.Utc);
        var request = Offer();
        var granted = 0;
        var denied = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < attemptsPerThread; i++)
            {
                var r = gate.TryReserve(request, $"t{t}-{i}");
                if (r.IsAllowed)
                {
                    Interlocked.Increment(ref granted);
                    gate.Commit(r.Reservation!).ShouldBe(CommitOutcome.Committed);
                }
                else
                {
                    Interlocked.Increment(ref denied);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);
        granted.ShouldBe(cap);
        (granted + denied).ShouldBe(threads * attemptsPerThread);
        ledger.Measure(new CountConstraint(new ContactFilter("c1", null, null, true), 0, cap), clock.Now.UtcTicks).Count.ShouldBe(cap);
    }

    [Fact]
    public async Task Concurrent_reserve_and_release_never_exceed_cap_at_any_moment()
    {
        // 4 threads reserve, hold, then release or commit; the live count observed inside the hold never exceeds 3.
        const int cap = 3;
        var clock = new ManualClock(T.Utc(2026, 5, 1));
        var ledger = CreateLedger();
        var gate = new ContactGate(T.Policy(limits: [T.Limit(LimitScope.Contacts, cap, 1, TimeUnit.Day)]), ledger, clock, TimeZoneInfo.Utc);
        var live = 0;
        var maxLive = 0;
        var committed = 0;
        var threads = Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var r = gate.TryReserve(new ContactRequest("c1", "sms"), $"t{t}-{i}");
                if (!r.IsAllowed)
                {
                    continue;
                }
                var now = Interlocked.Increment(ref live);
                int seen;
                while ((seen = Volatile.Read(ref maxLive)) < now && Interlocked.CompareExchange(ref maxLive, now, seen) != seen)
                {
                }
                Thread.SpinWait(50);
                Interlocked.Decrement(ref live);
                if (i % 100 == 99 && Interlocked.Increment(ref committed) <= 1)
                {
                    gate.Commit(r.Reservation!).ShouldBe(CommitOutcome.Committed);
                }
                else
                {
                    gate.Release(r.Reservation!).ShouldBeTrue();
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(threads);
        maxLive.ShouldBeLessThanOrEqualTo(cap);
        maxLive.ShouldBeGreaterThan(0);
    }
}

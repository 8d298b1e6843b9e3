using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The gate when its ledger cannot be reached (<see cref="ContactGate.WhenLedgerUnavailable"/>): deny with reason
/// "ledger unavailable" by default, throw, or allow unchecked; exempt categories pass; nothing is recorded while the
/// ledger is down, and the gate counts normally once it is back.
/// </summary>
public sealed class LedgerUnavailableTests : IDisposable
{
    private static readonly DateTimeOffset Start = T.Utc(2027, 3, 1, 9);
    private readonly ManualClock _clock = new(Start);
    private readonly SwitchableLedger _ledger = new(new InMemoryContactLedger());

    private ContactGate Gate(LedgerUnavailableBehavior? behavior = null)
    {
        var policy = T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day, line: 7)], exempt: ["service"]);
        // Without a behaviour: the gate's default.
        return behavior is { } b
            ? new ContactGate(policy, _ledger, _clock, TimeZoneInfo.Utc) { WhenLedgerUnavailable = b }
            : new ContactGate(policy, _ledger, _clock, TimeZoneInfo.Utc);
    }

    [Fact]
    public void By_default_a_counted_contact_is_denied_with_reason_ledger_unavailable_and_nothing_is_recorded()
    {
        ContactGate gate = Gate();
        gate.WhenLedgerUnavailable.ShouldBe(LedgerUnavailableBehavior.Deny);
        _ledger.Down = true;

        ContactDecision check = gate.Check(new ContactRequest("c-1", "sms"));
        ReservationResult reserve = gate.TryReserve(new ContactRequest("c-1", "sms"), "k1");
        ReservationResult record = gate.TryRecord(new ContactRequest("c-1", "sms"), "k2");

        foreach (ContactDecision decision in new[] { check, reserve.Decision, record.Decision })
        {
            decision.IsAllowed.ShouldBeFalse();
            decision.Kind.ShouldBe(RuleKind.LedgerUnavailable);
            decision.RuleDescription.ShouldBe("ledger unavailable");
            decision.RetryAt.ShouldBe(Start);
            decision.LedgerFailure.ShouldNotBeNull().Message.ShouldBe(SwitchableLedger.Message);
            decision.ToString().ShouldBe("denied: ledger unavailable: " + SwitchableLedger.Message);
        }

        reserve.Reservation.ShouldBeNull();
        record.Reservation.ShouldBeNull();
        _ledger.Down = false;
        _ledger.Find("c-1", "k1").ShouldBeNull();
        _ledger.Find("c-1", "k2").ShouldBeNull();
        ReservationResult back = gate.TryReserve(new ContactRequest("c-1", "sms"), "k1");
        back.IsAllowed.ShouldBeTrue("the outage counted nothing");
        back.Decision.IsLedgerUnavailable.ShouldBeFalse();
        gate.Commit(back.Reservation!).ShouldBe(CommitOutcome.Committed);
        gate.Check(new ContactRequest("c-1", "sms")).Kind.ShouldBe(RuleKind.Limit);
    }

    [Theory]
    [InlineData(LedgerUnavailableBehavior.Deny)]
    [InlineData(LedgerUnavailableBehavior.Allow)]
    public void Exempt_categories_still_pass_and_their_unrecorded_reservation_commits_as_not_recorded(LedgerUnavailableBehavior behavior)
    {
        ContactGate gate = Gate(behavior);
        _ledger.Down = true;
        var request = new ContactRequest("c-1", "sms", Category: "service");

        gate.Check(request).ShouldBeSameAs(ContactDecision.AllowedExempt);
        ReservationResult reserved = gate.TryReserve(request, "statement");

        reserved.IsAllowed.ShouldBeTrue();
        reserved.Decision.IsExempt.ShouldBeTrue();
        reserved.Decision.IsLedgerUnavailable.ShouldBeTrue();
        reserved.Reservation!.IsRecorded.ShouldBeFalse();
        reserved.Reservation.IsExempt.ShouldBeTrue();
        gate.Commit(reserved.Reservation).ShouldBe(CommitOutcome.NotRecorded);
        gate.Release(reserved.Reservation).ShouldBeFalse();
    }

    [Fact]
    public void Throw_hands_the_ledger_exception_to_the_caller()
    {
        ContactGate gate = Gate(LedgerUnavailableBehavior.Throw);
        _ledger.Down = true;

        Should.Throw<LedgerUnavailableException>(() => gate.Check(new ContactRequest("c-1", "sms"))).ShouldBeSameAs(_ledger.LastFailure);
        Should.Throw<LedgerUnavailableException>(() => gate.TryReserve(new ContactRequest("c-1", "sms"), "k1"));
        Should.Throw<LedgerUnavailableException>(() => gate.TryReserve(new ContactRequest("c-1", "sms", Category: "service"), "k2"));
        gate.Check(new ContactRequest("c-1", "sms", Category: "service")).IsAllowed.ShouldBeTrue("an exempt check never asks the ledger");
    }

    [Fact]
    public void Allow_lets_the_contact_through_unchecked_and_uncounted()
    {
        ContactGate gate = Gate(LedgerUnavailableBehavior.Allow);
        ReservationResult before = gate.TryReserve(new ContactRequest("c-1", "sms"), "before");
        gate.Commit(before.Reservation!).ShouldBe(CommitOutcome.Committed);
        _ledger.Down = true;

        ContactDecision check = gate.Check(new ContactRequest("c-1", "sms"));
        ReservationResult reserved = gate.TryReserve(new ContactRequest("c-1", "sms"), "during");

        check.IsAllowed.ShouldBeTrue("fail open: the cap is not checked");
        check.IsLedgerUnavailable.ShouldBeTrue();
        check.ToString().ShouldBe("allowed without the ledger (unavailable): not checked, not recorded");
        reserved.IsAllowed.ShouldBeTrue();
        reserved.Reservation!.IsRecorded.ShouldBeFalse();
        gate.Commit(reserved.Reservation).ShouldBe(CommitOutcome.NotRecorded);
        _ledger.Down = false;
        _ledger.Find("c-1", "during").ShouldBeNull();
        gate.Check(new ContactRequest("c-1", "sms")).CurrentCount.ShouldBe(1);
    }

    [Theory]
    [InlineData(LedgerUnavailableBehavior.Deny)]
    [InlineData(LedgerUnavailableBehavior.Allow)]
    public void Commit_release_and_events_always_throw_so_the_caller_repeats_them(LedgerUnavailableBehavior behavior)
    {
        ContactGate gate = Gate(behavior);
        Reservation held = gate.TryReserve(new ContactRequest("c-1", "sms"), "k1").Reservation!;
        _ledger.Down = true;

        Should.Throw<LedgerUnavailableException>(() => gate.Commit(held));
        Should.Throw<LedgerUnavailableException>(() => gate.Release(held));
        Should.Throw<LedgerUnavailableException>(() => gate.RecordEvent("c-1", "Complaint"));
        _ledger.Down = false;
        gate.Commit(held).ShouldBe(CommitOutcome.Committed);
    }

    [Fact]
    public void Offers_are_ranked_as_denied_by_the_unavailable_ledger()
    {
        var offer = new OfferDefinition("Saver", "Savings", 1, 0, []);
        var policy = T.Policy(limits: [T.Limit(LimitScope.Offers, 3, 30, TimeUnit.Day)], offers: [offer]);
        var gate = new ContactGate(policy, _ledger, _clock, TimeZoneInfo.Utc);
        _ledger.Down = true;

        RankedOffer ranked = gate.RankOffers("c-1", [new OfferCandidate(offer, "sms", true)]).Single();

        ranked.IsAllowed.ShouldBeFalse();
        ranked.Decision!.Kind.ShouldBe(RuleKind.LedgerUnavailable);
    }

    public void Dispose() => _ledger.Dispose();

    /// <summary>A ledger that fails every call with <see cref="LedgerUnavailableException"/> while <see cref="Down"/>.</summary>
    private sealed class SwitchableLedger(IContactLedger inner) : IContactLedger
    {
        public const string Message = "the test ledger is down (connection refused)";

        public volatile bool Down;

        public LedgerUnavailableException? LastFailure { get; private set; }

        private void Fail()
        {
            if (Down)
            {
                LastFailure = new LedgerUnavailableException(Message);
                throw LastFailure;
            }
        }

        public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks)
        {
            Fail();
            return inner.Measure(constraint, nowUtcTicks);
        }

        public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false)
        {
            Fail();
            return inner.TryReserve(entry, counts, events, nowUtcTicks, commit);
        }

        public CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks)
        {
            Fail();
            return inner.Commit(reservation, nowUtcTicks);
        }

        public bool Release(in ReservationRef reservation, long nowUtcTicks)
        {
            Fail();
            return inner.Release(reservation, nowUtcTicks);
        }

        public void RecordEvent(string customerId, string eventName, long atUtcTicks)
        {
            Fail();
            inner.RecordEvent(customerId, eventName, atUtcTicks);
        }

        public long? LastEvent(string customerId, string eventName)
        {
            Fail();
            return inner.LastEvent(customerId, eventName);
        }

        public LedgerRecord? Find(string customerId, string idempotencyKey)
        {
            Fail();
            return inner.Find(customerId, idempotencyKey);
        }

        public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks)
        {
            Fail();
            return inner.Prune(olderThanUtcTicks, expiredBeforeUtcTicks);
        }

        public void Dispose() => inner.Dispose();
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AccountabilityDsl.Runtime;

/// <summary>
/// A thread-safe in-process <see cref="IContactLedger"/>. All operations run under one lock, which makes the
/// check-and-insert of <see cref="TryReserve"/> trivially atomic (including channel capacities that span customers);
/// the critical sections are short scans of one customer's recent entries. Nothing survives the process: use
/// <c>SqliteContactLedger</c> (package AccountabilityDsl.Runtime.Sqlite) when contacts must be durable.
/// </summary>
/// <remarks>
/// Each customer's contacts are structs in one array sorted by time (no object per contact), so a steady stream of
/// contacts allocates nothing in the ledger once a customer's array has reached its working size: expired and
/// retention-dropped slots are reused.
/// </remarks>
public sealed class InMemoryContactLedger : IContactLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Customer> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelTotals> _channels = new(StringComparer.Ordinal);
    // Household id → the customers that made a contact under it, so a household limit reads only its members' entries
    // (customers dropped from _customers are removed from these lists lazily).
    private readonly Dictionary<string, List<Customer>> _households = new(StringComparer.Ordinal);
    private readonly long _retentionTicks;
    private long _nextId;
    // The ledger's high-water time (see IContactLedger): expiry is judged against max(now, _highWater).
    private long _highWater = long.MinValue;
    private ChannelTotals? _lastTotals;

    /// <summary>Creates an empty ledger.</summary>
    /// <param name="retention">
    /// When set, committed contacts older than this (relative to the time of a new reservation for the same customer
    /// or channel) are dropped automatically, keeping memory bounded without calling <see cref="Prune"/>. It must be
    /// longer than the longest window and cool-down of every policy using the ledger.
    /// </param>
    public InMemoryContactLedger(TimeSpan? retention = null)
    {
        if (retention is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(r, TimeSpan.Zero);
        }
        _retentionTicks = retention?.Ticks ?? long.MaxValue;
        Retention = retention;
    }

    /// <summary>The automatic retention, if any (a gate refuses one shorter than its policy's look-back).</summary>
    public TimeSpan? Retention { get; }

    /// <inheritdoc />
    public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks)
    {
        lock (_lock)
        {
            return MeasureLocked(constraint, nowUtcTicks);
        }
    }

    private WindowUsage MeasureLocked(in CountConstraint constraint, long nowUtcTicks)
    {
        var now = Math.Max(nowUtcTicks, _highWater);
        var count = Count(constraint, now, stopAt: int.MaxValue, known: null);
        long? pivot = null;
        if (constraint.MaxCount > 0 && count >= constraint.MaxCount)
        {
            pivot = NthOldest(constraint, now, count - constraint.MaxCount + 1);
        }
        return new WindowUsage(count, pivot);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A per-customer or per-household constraint whose window holds fewer of the customer's (members') entries than
    /// its maximum holds without looking at the entries (a binary search per customer); otherwise the count stops at
    /// the maximum, and only a constraint at its cap is measured exactly.
    /// </remarks>
    public WindowUsage? MeasureIfAtCap(in CountConstraint constraint, long nowUtcTicks)
    {
        lock (_lock)
        {
            return MeasureIfAtCapLocked(constraint, nowUtcTicks, null);
        }
    }

    /// <summary>
    /// <see cref="MeasureEachIfAtCap(ReadOnlySpan{CountConstraint}, Span{WindowUsage?}, long)"/> for
    /// <see cref="ContactGate"/>: the constraints of one request of <paramref name="customerId"/> (and
    /// <paramref name="householdId"/>) as the gate builds them. A constraint that holds without counting (see
    /// <see cref="HoldsWithoutCounting"/>) is answered without making its filter.
    /// </summary>
    internal void MeasureEachIfAtCap(ReadOnlySpan<RuleConstraint> rules, ContactFilter[] templates, string customerId, string? householdId, Span<WindowUsage?> usages, long nowUtcTicks)
    {
        lock (_lock)
        {
            var customer = _customers.GetValueOrDefault(customerId);
            List<Customer>? members = null;
            for (var i = 0; i < rules.Length; i++)
            {
                ref readonly var r = ref rules[i];
                usages[i] = r.MaxCount > 0 && HoldsWithoutCounting(r, customer, householdId, ref members)
                    ? null
                    : MeasureIfAtCapLocked(r.ToCountConstraint(templates, customerId, householdId), nowUtcTicks, customer);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One lock for all the constraints, one lookup of the customer they usually share and of the household: a
    /// constraint with a maximum over the contacts of a customer or household that has none holds at once.
    /// </remarks>
    public void MeasureEachIfAtCap(ReadOnlySpan<CountConstraint> constraints, Span<WindowUsage?> usages, long nowUtcTicks)
    {
        lock (_lock)
        {
            string? lookedUp = null;
            Customer? customer = null;
            string? household = null;
            List<Customer> members = NoMembers;
            for (var i = 0; i < constraints.Length; i++)
            {
                ref readonly var c = ref constraints[i];
                if (c.Filter.CustomerId is { } id)
                {
                    if (!string.Equals(id, lookedUp, StringComparison.Ordinal))
                    {
                        lookedUp = id;
                        customer = _customers.GetValueOrDefault(id);
                    }
                    if (customer is null && c.MaxCount > 0)
                    {
                        usages[i] = null;
                        continue;
                    }
                }
                else if (c.Filter.HouseholdId is { } h)
                {
                    if (!string.Equals(h, household, StringComparison.Ordinal))
                    {
                        household = h;
                        members = HouseholdMembers(h);
                    }
                    if (members.Count == 0 && c.MaxCount > 0)
                    {
                        usages[i] = null;
                        continue;
                    }
                }
                usages[i] = MeasureIfAtCapLocked(c, nowUtcTicks, customer);
            }
        }
    }

    /// <summary>
    /// <see cref="MeasureIfAtCap"/> under the lock; <paramref name="known"/> is a customer already looked up by the caller
    /// (used when it is the constraint's customer).
    /// </summary>
    private WindowUsage? MeasureIfAtCapLocked(in CountConstraint constraint, long nowUtcTicks, Customer? known)
    {
        if (constraint.MaxCount > 0)
        {
            var f = constraint.Filter;
            if (f.CustomerId is not null)
            {
                var customer = known is not null && string.Equals(known.Id, f.CustomerId, StringComparison.Ordinal)
                    ? known
                    : _customers.GetValueOrDefault(f.CustomerId);
                if (customer is null || customer.End - customer.LowerBound(constraint.FromUtcTicks) < constraint.MaxCount)
                {
                    return null;
                }
                known = customer;
            }
            else if (f.HouseholdId is not null)
            {
                var inWindow = 0;
                foreach (var member in HouseholdMembers(f.HouseholdId))
                {
                    inWindow += member.End - member.LowerBound(constraint.FromUtcTicks);
                }
                if (inWindow < constraint.MaxCount)
                {
                    return null;
                }
            }
            var now = Math.Max(nowUtcTicks, _highWater);
            if (Count(constraint, now, stopAt: constraint.MaxCount, known) < constraint.MaxCount)
            {
                return null;
            }
        }
        return MeasureLocked(constraint, nowUtcTicks);
    }

    /// <inheritdoc />
    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false)
    {
        entry.Validate();
        var result = TryReserveLocked(entry, counts, [], [], events, nowUtcTicks, commit);
        return result.Status is LedgerReserveStatus.Reserved or LedgerReserveStatus.Recorded
            ? result with { Entry = commit ? entry with { ExpiresUtcTicks = long.MaxValue } : entry }
            : result;
    }

    /// <summary>
    /// <see cref="TryReserve"/> for <see cref="ContactGate"/>: the entry is already validated (the gate validates every
    /// text it passes on) and the constraints come as the gate builds them (<see cref="RuleConstraint"/>).
    /// </summary>
    /// <remarks>The result of a new entry carries no copy of it (see <see cref="TryReserveLocked"/>).</remarks>
    internal LedgerReserveResult TryReserveValidated(in LedgerEntry entry, ReadOnlySpan<RuleConstraint> rules, ContactFilter[] templates, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit) =>
        TryReserveLocked(entry, [], rules, templates, events, nowUtcTicks, commit);

    /// <summary>
    /// The reserve (or record) step for <see cref="ContactGate"/> with the request's counted rules as a
    /// <see cref="QuickPlan"/> (no cool-downs, consent and quiet hours already passed), for its common outcome only: a
    /// new entry. Returns its id (<paramref name="customerHint"/> is its customer, the lookup hint), or 0 with nothing changed when the
    /// key is already in use (a repeat, or an expired hold to replace) or a rule is, or may be, at its cap: the gate then
    /// takes its full path, a step of its own that decides those cases exactly.
    /// </summary>
    /// <remarks>
    /// Apart from <see cref="TryReserveLocked"/> so that the common step returns one number instead of a
    /// <see cref="LedgerReserveResult"/> (a copy of an entry) and its callers' stack frames stay small. Not inlined: the
    /// gate's reserve path would carry this step's temporaries in its own frame.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal long TryInsertQuick(in LedgerEntry entry, QuickPlan quick, ContactFilter[] templates, ContactRequest request, (Dictionary<string, int> Segments, Dictionary<string, int> Stages)? names, long nowUtcTicks, bool commit, out object? customerHint)
    {
        lock (_lock)
        {
            var now = Advance(nowUtcTicks);
            if (!_customers.TryGetValue(entry.CustomerId, out var customer))
            {
                customer = new Customer(entry.CustomerId);
                _customers.Add(entry.CustomerId, customer);
            }
            var q = new QuickRequest(quick, request, names);
            if (customer.FindKey(entry.IdempotencyKey) >= 0 || !(QuickBound(q, customer) || QuickHoldsLocked(q, customer, templates, nowUtcTicks, now)))
            {
                ForgetIfEmpty(customer);
                customerHint = null;
                return 0;
            }
            customerHint = customer;
            return Insert(customer, entry, now, commit);
        }
    }

    /// <summary>
    /// <see cref="ContactGate.Check"/>'s quick answer: true when every rule of <paramref name="quick"/> holds for the
    /// request now; false when one is, or may be, at its cap (the gate then measures every rule).
    /// </summary>
    internal bool QuickHolds(QuickPlan quick, ContactFilter[] templates, ContactRequest request, (Dictionary<string, int> Segments, Dictionary<string, int> Stages)? names, long nowUtcTicks)
    {
        lock (_lock)
        {
            var q = new QuickRequest(quick, request, names);
            var customer = _customers.GetValueOrDefault(request.CustomerId);
            return QuickBound(q, customer) || QuickHoldsLocked(q, customer, templates, nowUtcTicks, Math.Max(nowUtcTicks, _highWater));
        }
    }

    /// <summary>What <see cref="QuickHoldsLocked"/> decides: the rules, the request (customer, household, scope) and the scope names.</summary>
    private readonly record struct QuickRequest(QuickPlan Plan, ContactRequest Request, (Dictionary<string, int> Segments, Dictionary<string, int> Stages)? Names);

    /// <summary>
    /// True when every rule of the quick plan holds (see <see cref="QuickPlan"/>). A rule whose cap exceeds all the
    /// entries the customer (its household) has holds whatever they are; the others are scoped, then answered as
    /// <see cref="FirstDenied"/> answers them (a binary search for the entries in the window, then a count). False for
    /// a rule at its cap, and for one with a calendar window (the full path computes its start).
    /// <paramref name="windowNow"/> is the request's time (windows end there); <paramref name="now"/> the ledger's
    /// (expiry). Call under the lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool QuickHoldsLocked(in QuickRequest q, Customer? customer, ContactFilter[] templates, long windowNow, long now)
    {
        var plan = q.Plan;
        var household = q.Request.HouseholdId;
        var own = customer?.Count ?? 0;
        List<Customer>? members = null;
        // Without a household, household rules count the customer's own contacts.
        var customerDone = own < plan.MinCustomerCap && (household is not null || own < plan.MinHouseholdCap);
        var inHousehold = household is null || plan.MinHouseholdCap == int.MaxValue ? 0 : HouseholdEntries(household, ref members);
        var householdDone = household is null || inHousehold < plan.MinHouseholdCap;
        var scope = default(ScopeBits);
        // The rules come by cap, smallest first: past the customer's (household's) entry count, every later rule of
        // the same kind holds too.
        foreach (ref readonly var r in plan.Rules.AsSpan())
        {
            if (customerDone && householdDone)
            {
                break;
            }
            var by = r.By == CountedBy.Household && household is null ? CountedBy.Customer : r.By;
            if (by == CountedBy.Customer ? customerDone |= r.Max > own : householdDone |= r.Max > inHousehold)
            {
                continue;
            }
            if ((r.SegmentBits | r.StageBits) != 0)
            {
                if (!scope.Known)
                {
                    scope = ScopeBits.Of(q.Request, q.Names!.Value);
                }
                if (!scope.InScope(r.SegmentBits, r.StageBits))
                {
                    continue;
                }
            }
            if (r.RollingTicks == 0)
            {
                return false;
            }
            // No entry with an offer the rule counts (the offer Bloom words): it holds without a look at the times.
            if (by == CountedBy.Customer ? !customer!.MayMatchOffers(r.OfferMask) : !AnyMayMatchOffer(members!, r.OfferMask))
            {
                continue;
            }
            var c = new RuleConstraint(r.RuleIndex, by, windowNow - r.RollingTicks + 1, r.Max);
            if (HoldsWithoutCounting(c, customer, household, ref members)
                || Count(c.ToCountConstraint(templates, q.Request.CustomerId, household), now, r.Max, customer) < r.Max)
            {
                continue;
            }
            return false;
        }
        return true;
    }

    /// <summary>
    /// The first test of <see cref="QuickHoldsLocked"/>, inlined into the reserve step: a request without a household
    /// (or a plan without household rules) whose customer holds fewer entries than every cap.
    /// </summary>
    /// <remarks><see cref="QuickHoldsLocked"/> is not inlined: its struct temporaries would make the reserve step zero a large stack frame on every call.</remarks>
    private bool QuickBound(in QuickRequest q, Customer? customer)
    {
        var own = customer?.Count ?? 0;
        if (own >= q.Plan.MinCustomerCap)
        {
            return false;
        }
        if (q.Plan.MinHouseholdCap == int.MaxValue)
        {
            return true;
        }
        if (q.Request.HouseholdId is not { } household)
        {
            return own < q.Plan.MinHouseholdCap;
        }
        // A household nobody has contacted under yet (the usual new customer) holds no entries.
        return !_households.ContainsKey(household);
    }

    /// <summary>True unless no member's offer Bloom word admits the offer condition of <paramref name="offerMask"/>.</summary>
    private static bool AnyMayMatchOffer(List<Customer> members, ulong offerMask)
    {
        foreach (var member in members)
        {
            if (member.MayMatchOffers(offerMask))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The bits of a rule's offer condition in a customer's offer Bloom word (for <see cref="QuickRule.OfferMask"/>).</summary>
    internal static ulong OfferMask(in ContactFilter counted) => Customer.OfferMask(counted);

    /// <summary>How many entries the live members of <paramref name="household"/> hold (any time, any state). Call under the lock.</summary>
    private int HouseholdEntries(string household, ref List<Customer>? members)
    {
        if (members is null)
        {
            if (!_households.TryGetValue(household, out var list))
            {
                members = NoMembers;
                return 0;
            }
            // One pass over the members (as a span: no enumerator) for the sum, and the lazy removal of dropped
            // customers that HouseholdMembers does only when one is found.
            var total = 0;
            foreach (var member in CollectionsMarshal.AsSpan(list))
            {
                if (member.Removed)
                {
                    members = HouseholdMembers(household);
                    return HouseholdEntries(household, ref members);
                }
                total += member.Count;
            }
            members = list;
            return total;
        }
        var sum = 0;
        foreach (var member in CollectionsMarshal.AsSpan(members))
        {
            sum += member.Count;
        }
        return sum;
    }

    /// <summary>
    /// The atomic reserve step; the count constraints are <paramref name="counts"/> followed by <paramref name="rules"/>
    /// (whose filters are in <paramref name="templates"/>). A new entry is not copied into the result
    /// (<see cref="LedgerReserveResult.Entry"/> is default for <see cref="LedgerReserveStatus.Reserved"/> and
    /// <see cref="LedgerReserveStatus.Recorded"/>): the caller has it, and the copy cost a tenth of the step.
    /// </summary>
    private LedgerReserveResult TryReserveLocked(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<RuleConstraint> rules, ContactFilter[] templates, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit)
    {
        lock (_lock)
        {
            var now = Advance(nowUtcTicks);
            if (!_customers.TryGetValue(entry.CustomerId, out var customer))
            {
                customer = new Customer(entry.CustomerId);
                _customers.Add(entry.CustomerId, customer);
            }
            var existing = customer.FindKey(entry.IdempotencyKey);
            if (existing >= 0)
            {
                ref var e = ref customer.Entries[existing];
                if (e.Committed || e.Expires > now)
                {
                    return Existing(customer, existing);
                }
            }
            var denied = FirstDenied(customer, entry.HouseholdId, counts, rules, templates, events, now);
            if (denied >= 0)
            {
                ForgetIfEmpty(customer);
                return new LedgerReserveResult(LedgerReserveStatus.Denied, default, denied, 0);
            }
            if (existing >= 0)
            {
                // An expired reservation under the same key is replaced (its id dies with it).
                RemoveAt(customer, existing);
            }
            var id = Insert(customer, entry, now, commit);
            return new LedgerReserveResult(commit ? LedgerReserveStatus.Recorded : LedgerReserveStatus.Reserved, default, -1, id) { Hint = customer };
        }
    }

    /// <summary>Drops a customer added for a step that stored nothing (no entries, no events), so denials do not grow the ledger. Call under the lock.</summary>
    private void ForgetIfEmpty(Customer customer)
    {
        if (customer.Count == 0 && customer.Events is null)
        {
            _customers.Remove(customer.Id);
            customer.Removed = true;
        }
    }

    /// <summary>The answer for a repeated key that holds a committed contact or a pending, unexpired reservation.</summary>
    /// <remarks>Not inlined, like <see cref="FirstDenied"/>: their struct temporaries would make the reserve step zero a large stack frame on every call.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LedgerReserveResult Existing(Customer customer, int index)
    {
        ref readonly var e = ref customer.Entries[index];
        return new LedgerReserveResult(e.Committed ? LedgerReserveStatus.AlreadyCommitted : LedgerReserveStatus.AlreadyReserved,
            customer.ToEntry(index), -1, e.Id) { Hint = customer };
    }

    /// <inheritdoc />
    public CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks)
    {
        lock (_lock)
        {
            var now = Advance(nowUtcTicks);
            var customer = Resolve(reservation.CustomerId, reservation.Hint);
            var at = customer?.FindKey(reservation.IdempotencyKey) ?? -1;
            if (at < 0)
            {
                return CommitOutcome.NotFound;
            }
            ref var e = ref customer!.Entries[at];
            if (e.Id != reservation.ReservationId)
            {
                // The key was reserved again after this reservation expired: never commit the newer holder's.
                return CommitOutcome.Expired;
            }
            if (e.Committed)
            {
                return CommitOutcome.AlreadyCommitted;
            }
            if (e.Expires <= now)
            {
                return CommitOutcome.Expired;
            }
            e.Committed = true;
            e.Expires = long.MaxValue;
            if (e.Counted)
            {
                var totals = Totals(e.Channel);
                totals.RemovePending(e.Id);
                totals.Committed.Insert(e.At);
                if (_retentionTicks != long.MaxValue)
                {
                    totals.Committed.DropBefore(now - _retentionTicks);
                }
            }
            return CommitOutcome.Committed;
        }
    }

    /// <inheritdoc />
    public bool Release(in ReservationRef reservation, long nowUtcTicks)
    {
        _ = nowUtcTicks; // A release never makes anything expire: it does not move the ledger's time.
        lock (_lock)
        {
            var customer = Resolve(reservation.CustomerId, reservation.Hint);
            var at = customer?.FindKey(reservation.IdempotencyKey) ?? -1;
            if (at < 0 || customer!.Entries[at].Committed || customer.Entries[at].Id != reservation.ReservationId)
            {
                return false;
            }
            RemoveAt(customer, at);
            return true;
        }
    }

    /// <inheritdoc />
    public void RecordEvent(string customerId, string eventName, long atUtcTicks)
    {
        LedgerText.Require(customerId, "customer id");
        LedgerText.Require(eventName, "event name");
        lock (_lock)
        {
            if (!_customers.TryGetValue(customerId, out var customer))
            {
                customer = new Customer(customerId);
                _customers.Add(customerId, customer);
            }
            customer.Events ??= new Dictionary<string, long>(StringComparer.Ordinal);
            if (!customer.Events.TryGetValue(eventName, out var previous) || previous < atUtcTicks)
            {
                customer.Events[eventName] = atUtcTicks;
            }
        }
    }

    /// <inheritdoc />
    public long? LastEvent(string customerId, string eventName)
    {
        lock (_lock)
        {
            if (_customers.TryGetValue(customerId, out var customer)
                && customer.Events is { } events
                && events.TryGetValue(eventName, out var at))
            {
                return at;
            }
            return null;
        }
    }

    /// <inheritdoc />
    public LedgerRecord? Find(string customerId, string idempotencyKey)
    {
        lock (_lock)
        {
            if (!_customers.TryGetValue(customerId, out var customer))
            {
                return null;
            }
            var at = customer.FindKey(idempotencyKey);
            return at < 0 ? null : new LedgerRecord(customer.ToEntry(at), customer.Entries[at].Committed, customer.Entries[at].Id);
        }
    }

    /// <inheritdoc />
    public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks)
    {
        lock (_lock)
        {
            Advance(expiredBeforeUtcTicks);
            var removed = 0;
            List<string>? emptyCustomers = null;
            foreach (var customer in _customers.Values)
            {
                removed += customer.Prune(olderThanUtcTicks, expiredBeforeUtcTicks);
                if (customer.Events is { } events)
                {
                    foreach (var (name, at) in events)
                    {
                        if (at < olderThanUtcTicks)
                        {
                            events.Remove(name);
                            removed++;
                        }
                    }
                }
                if (customer.Count == 0 && (customer.Events is null || customer.Events.Count == 0))
                {
                    (emptyCustomers ??= []).Add(customer.Id);
                }
            }
            if (emptyCustomers is not null)
            {
                foreach (var id in emptyCustomers)
                {
                    _customers.Remove(id, out var gone);
                    gone!.Removed = true;
                }
            }
            List<string>? emptyHouseholds = null;
            foreach (var (household, members) in _households)
            {
                members.RemoveAll(static m => m.Removed);
                if (members.Count == 0)
                {
                    (emptyHouseholds ??= []).Add(household);
                }
            }
            emptyHouseholds?.ForEach(h => _households.Remove(h));
            foreach (var totals in _channels.Values)
            {
                totals.Committed.DropBefore(olderThanUtcTicks);
                totals.Pending.RemoveAll(p => p.Expires < expiredBeforeUtcTicks);
            }
            return removed;
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    /// <summary>
    /// The customer a reservation handle points to (the <see cref="Customer"/> object itself, so Commit and Release
    /// skip the dictionary lookup), or the dictionary's entry when the handle is missing or stale.
    /// </summary>
    private Customer? Resolve(string customerId, object? handle)
    {
        if (handle is Customer h && !h.Removed && string.Equals(h.Id, customerId, StringComparison.Ordinal))
        {
            return h;
        }
        return _customers.TryGetValue(customerId, out var customer) ? customer : null;
    }

    /// <summary>Moves the high-water time forward to <paramref name="nowUtcTicks"/>; returns the ledger's time (call under the lock).</summary>
    private long Advance(long nowUtcTicks)
    {
        if (nowUtcTicks > _highWater)
        {
            _highWater = nowUtcTicks;
        }
        return _highWater;
    }

    /// <summary>
    /// Index of the first failing constraint (<paramref name="counts"/>, then <paramref name="rules"/> of
    /// <paramref name="customer"/> and <paramref name="householdId"/>, then events), or −1 when all hold. Call under the lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FirstDenied(Customer customer, string? householdId, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<RuleConstraint> rules, ContactFilter[] templates, ReadOnlySpan<EventConstraint> events, long now)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            ref readonly var c = ref counts[i];
            if (c.MaxCount <= 0 || Count(c, now, c.MaxCount, customer) >= c.MaxCount)
            {
                return i;
            }
        }
        List<Customer>? members = null;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var r = ref rules[i];
            if (r.MaxCount > 0 && HoldsWithoutCounting(r, customer, householdId, ref members))
            {
                continue;
            }
            if (r.MaxCount <= 0 || Count(r.ToCountConstraint(templates, customer.Id, householdId), now, r.MaxCount, customer) >= r.MaxCount)
            {
                return counts.Length + i;
            }
        }
        for (var j = 0; j < events.Length; j++)
        {
            ref readonly var ev = ref events[j];
            var owner = string.Equals(ev.CustomerId, customer.Id, StringComparison.Ordinal) ? customer
                : _customers.GetValueOrDefault(ev.CustomerId);
            if (owner?.Events is { } recorded && recorded.TryGetValue(ev.EventName, out var at) && at >= ev.FromUtcTicks)
            {
                return counts.Length + rules.Length + j;
            }
        }
        return -1;
    }

    /// <summary>
    /// True when the constraint (maximum above 0) holds because the customer's — or the household members' — entries in
    /// its window are fewer than its maximum, whatever they are: one binary search per customer, no entry read.
    /// <paramref name="customer"/> is the request's customer (null when it has no entries). Call under the lock.
    /// </summary>
    private bool HoldsWithoutCounting(in RuleConstraint r, Customer? customer, string? householdId, ref List<Customer>? members)
    {
        switch (r.By)
        {
            case CountedBy.Customer:
                return customer is null || customer.End - customer.LowerBound(r.FromUtcTicks) < r.MaxCount;
            case CountedBy.Household:
                var inWindow = 0;
                foreach (var member in members ??= HouseholdMembers(householdId!))
                {
                    inWindow += member.End - member.LowerBound(r.FromUtcTicks);
                }
                return inWindow < r.MaxCount;
            default:
                return false;
        }
    }

    private long Insert(Customer customer, in LedgerEntry entry, long now, bool commit)
    {
        if (entry.HouseholdId is { } household)
        {
            if (!_households.TryGetValue(household, out var members))
            {
                _households.Add(household, members = []);
            }
            if (!members.Contains(customer))
            {
                members.Add(customer);
            }
        }
        if (_retentionTicks != long.MaxValue)
        {
            // Drop old committed contacts and long-expired holds before inserting, so the slot can be reused.
            customer.DropOld(now - _retentionTicks, now);
        }
        var id = ++_nextId;
        customer.Insert(entry, id, commit);
        if (entry.Counted)
        {
            var totals = Totals(entry.Channel);
            if (commit)
            {
                totals.Committed.Insert(entry.AtUtcTicks);
                if (_retentionTicks != long.MaxValue)
                {
                    totals.Committed.DropBefore(now - _retentionTicks);
                }
            }
            else
            {
                totals.Pending.Add(new PendingRef(id, entry.AtUtcTicks, entry.ExpiresUtcTicks));
            }
        }
        return id;
    }

    /// <summary>
    /// The channel's totals, created on first use. Hosts use a handful of channels, so the last one used is
    /// remembered and matched by reference first: every counted reserve and commit updates its channel's totals, and
    /// this skips hashing the channel name on that path. Call under the lock.
    /// </summary>
    private ChannelTotals Totals(string channel)
    {
        if (_lastTotals is { } last && (ReferenceEquals(last.Channel, channel) || string.Equals(last.Channel, channel, StringComparison.Ordinal)))
        {
            return last;
        }
        if (!_channels.TryGetValue(channel, out var totals))
        {
            totals = new ChannelTotals(channel);
            _channels.Add(channel, totals);
        }
        _lastTotals = totals;
        return totals;
    }

    private void RemoveAt(Customer customer, int index)
    {
        ref var e = ref customer.Entries[index];
        if (e.Counted && !e.Committed)
        {
            Totals(e.Channel).RemovePending(e.Id);
        }
        customer.RemoveAt(index);
    }

    /// <summary>Counts for one constraint; <paramref name="known"/> is the customer already looked up by the caller (saves a second hash lookup).</summary>
    private int Count(in CountConstraint c, long now, int stopAt, Customer? known)
    {
        var f = c.Filter;
        var count = 0;
        if (f.CustomerId is not null)
        {
            var customer = known is not null && string.Equals(known.Id, f.CustomerId, StringComparison.Ordinal) ? known : null;
            if (customer is null && !_customers.TryGetValue(f.CustomerId, out customer))
            {
                return 0;
            }
            if (!customer.MayMatchOffer(f))
            {
                return 0;
            }
            // Newest first: stop at the window start (entries are sorted by time) or as soon as the cap is reached.
            var entries = customer.Entries;
            for (var i = customer.End - 1; i >= customer.Head; i--)
            {
                ref readonly var e = ref entries[i];
                if (e.At < c.FromUtcTicks)
                {
                    break;
                }
                if (e.Counted && e.Expires > now && e.Matches(f) && ++count >= stopAt)
                {
                    return count;
                }
            }
            return count;
        }
        if (f.HouseholdId is not null)
        {
            foreach (var member in HouseholdMembers(f.HouseholdId))
            {
                if (!member.MayMatchOffer(f))
                {
                    continue;
                }
                for (var i = member.End - 1; i >= member.Head; i--)
                {
                    ref readonly var e = ref member.Entries[i];
                    if (e.At < c.FromUtcTicks)
                    {
                        break;
                    }
                    if (e.Counted && e.Expires > now && e.Matches(f) && ++count >= stopAt)
                    {
                        return count;
                    }
                }
            }
            return count;
        }
        if (IsChannelOnly(f))
        {
            if (!_channels.TryGetValue(f.Channel!, out var totals))
            {
                return 0;
            }
            count = totals.Committed.Count - totals.Committed.LowerBound(c.FromUtcTicks);
            var pending = totals.Pending;
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                var p = pending[i];
                if (p.Expires <= _highWater)
                {
                    // Expired for good (the ledger's time never goes back). One that is only expired for a caller whose
                    // clock runs ahead stays listed: it counts again for callers at the ledger's time.
                    pending.RemoveAt(i);
                }
                else if (p.Expires > now && p.At >= c.FromUtcTicks)
                {
                    count++;
                }
            }
            return count;
        }
        // General filter without a customer: scan everything (not used by ContactGate).
        foreach (var customer in _customers.Values)
        {
            for (var i = customer.Head; i < customer.End; i++)
            {
                ref readonly var e = ref customer.Entries[i];
                if (e.At >= c.FromUtcTicks && e.Counted && e.Expires > now && e.Matches(f))
                {
                    count++;
                }
            }
        }
        return count;
    }

    private long? NthOldest(in CountConstraint c, long now, int n)
    {
        var f = c.Filter;
        if (f.CustomerId is not null)
        {
            // Entries are sorted by time, so the n-th match from the window start is the n-th oldest.
            if (_customers.TryGetValue(f.CustomerId, out var customer))
            {
                var seen = 0;
                for (var i = customer.LowerBound(c.FromUtcTicks); i < customer.End; i++)
                {
                    ref readonly var e = ref customer.Entries[i];
                    if (e.Counted && e.Expires > now && e.Matches(f) && ++seen == n)
                    {
                        return e.At;
                    }
                }
            }
            return null;
        }
        var times = new List<long>();
        if (f.HouseholdId is not null)
        {
            foreach (var member in HouseholdMembers(f.HouseholdId))
            {
                for (var i = member.LowerBound(c.FromUtcTicks); i < member.End; i++)
                {
                    ref readonly var e = ref member.Entries[i];
                    if (e.Counted && e.Expires > now && e.Matches(f))
                    {
                        times.Add(e.At);
                    }
                }
            }
        }
        else if (IsChannelOnly(f))
        {
            if (_channels.TryGetValue(f.Channel!, out var totals))
            {
                var start = totals.Committed.LowerBound(c.FromUtcTicks);
                var take = Math.Min(n, totals.Committed.Count - start);
                for (var i = 0; i < take; i++)
                {
                    times.Add(totals.Committed[start + i]);
                }
                foreach (var p in totals.Pending)
                {
                    if (p.At >= c.FromUtcTicks && p.Expires > now)
                    {
                        times.Add(p.At);
                    }
                }
            }
        }
        else
        {
            foreach (var customer in _customers.Values)
            {
                for (var i = customer.Head; i < customer.End; i++)
                {
                    ref readonly var e = ref customer.Entries[i];
                    if (e.At >= c.FromUtcTicks && e.Counted && e.Expires > now && e.Matches(f))
                    {
                        times.Add(e.At);
                    }
                }
            }
        }
        if (times.Count < n)
        {
            return null;
        }
        times.Sort();
        return times[n - 1];
    }

    // Shared and never written to: the answer for a household nobody has contacted yet.
    private static readonly List<Customer> NoMembers = [];

    /// <summary>The live customers that made a contact under <paramref name="household"/>. Call under the lock.</summary>
    private List<Customer> HouseholdMembers(string household)
    {
        if (!_households.TryGetValue(household, out var members))
        {
            return NoMembers;
        }
        foreach (var member in members)
        {
            if (member.Removed)
            {
                members.RemoveAll(static m => m.Removed);
                break;
            }
        }
        return members;
    }

    /// <summary>True for the filter of a channel capacity (a channel and nothing else), answered from the channel's totals.</summary>
    private static bool IsChannelOnly(in ContactFilter f) =>
        f.Channel is not null && f.Offer is null && !f.OffersOnly && f.OfferIn is null && f.HouseholdId is null;

    /// <summary>One stored contact. A struct inside the customer's array: no per-contact object for the GC to trace or promote.</summary>
    private struct Entry
    {
        public string Key;
        public string Channel;
        public string? Offer;
        public string? Category;
        public string? Household;
        public long At;
        /// <summary>Hold expiry; <see cref="long.MaxValue"/> once committed.</summary>
        public long Expires;
        /// <summary>Ledger-wide sequence number, identifies a pending entry in its channel's pending list.</summary>
        public long Id;
        public bool Counted;
        public bool Committed;

        public readonly bool Matches(in ContactFilter f) =>
            (f.HouseholdId is null || string.Equals(f.HouseholdId, Household, StringComparison.Ordinal))
            && f.MatchesContact(Channel, Offer);
    }

    /// <summary>
    /// A customer's contacts, sorted by time, live in <c>Entries[Head..End)</c>: dropping the oldest advances
    /// <see cref="Head"/> (O(1)); appending reuses the dropped room by compacting once the array end is reached.
    /// </summary>
    private sealed class Customer(string id)
    {
        private const int KeyIndexThreshold = 8;
        public readonly string Id = id;
        public Entry[] Entries = new Entry[2];
        public int Head;
        public int End;
        public bool Removed;
        public Dictionary<string, long>? Events;

        /// <summary>Idempotency key → contact time, only once the customer has many entries (else a linear scan is cheaper).</summary>
        private Dictionary<string, long>? _byKey;

        /// <summary>
        /// A one-word Bloom filter of the offers of the entries: the bit of every offer among them is set (bits of offers
        /// no longer there may stay set until the array is compacted or emptied). A filter that needs an offer whose bit
        /// is clear matches none of the entries, so a <c>never</c> rule or an offer limit is answered without reading
        /// them — for a customer with many contacts, that scan was most of a decision.
        /// </summary>
        private ulong _offerBits;

        /// <summary>The offer's bit in <see cref="_offerBits"/>: a cheap mix of its length and three characters.</summary>
        private static ulong OfferBit(string offer) =>
            1UL << (int)((uint)(offer.Length * 31 + offer[0] * 7 + offer[offer.Length >> 1] * 3 + offer[^1]) % 64);

        /// <summary>
        /// The bits of <paramref name="f"/>'s offer condition in an offer Bloom word (see <see cref="MayMatchOffers"/>):
        /// the offer's bit, the group's bits, every bit for "any offer", 0 when the filter has no offer condition.
        /// </summary>
        public static ulong OfferMask(in ContactFilter f)
        {
            if (f.Offer is { } offer)
            {
                return OfferBit(offer);
            }
            if (f.OfferIn is { } group)
            {
                var mask = 0UL;
                for (var i = 0; i < group.Count; i++)
                {
                    mask |= OfferBit(group[i]);
                }
                return mask;
            }
            return f.OffersOnly ? ~0UL : 0;
        }

        /// <summary><see cref="MayMatchOffer"/> with the filter's <see cref="OfferMask"/> computed once.</summary>
        public bool MayMatchOffers(ulong mask) => mask == 0 || (_offerBits & mask) != 0;

        /// <summary>False when no entry can match <paramref name="f"/>'s offer condition (see <see cref="_offerBits"/>).</summary>
        public bool MayMatchOffer(in ContactFilter f) => MayMatchOffers(OfferMask(f));

        public int Count => End - Head;

        public LedgerEntry ToEntry(int index)
        {
            ref readonly var e = ref Entries[index];
            return new LedgerEntry(Id, e.Key, e.Channel, e.Offer, e.Category, e.Counted, e.At, e.Expires) { HouseholdId = e.Household };
        }

        /// <summary>The index of the entry with <paramref name="key"/>, or −1. The newest entry is checked first (the one a Commit usually targets).</summary>
        public int FindKey(string key)
        {
            if (_byKey is not null)
            {
                if (!_byKey.TryGetValue(key, out var at))
                {
                    return -1;
                }
                for (var i = LowerBound(at); i < End && Entries[i].At == at; i++)
                {
                    if (SameKey(Entries[i].Key, key))
                    {
                        return i;
                    }
                }
                return -1;
            }
            for (var i = End - 1; i >= Head; i--)
            {
                if (SameKey(Entries[i].Key, key))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// Ordinal equality of two keys (never empty). Keys searched for are mostly new, i.e. different: those of equal
        /// length are told apart by their last character (where "k17"/"k18" or "order-1041"/"order-1042" differ) before
        /// the full comparison, which is a call.
        /// </summary>
        private static bool SameKey(string stored, string key) =>
            ReferenceEquals(stored, key)
            || (stored.Length == key.Length && stored[^1] == key[^1] && string.Equals(stored, key, StringComparison.Ordinal));

        /// <summary>First index in [Head, End) whose time is ≥ <paramref name="value"/>.</summary>
        public int LowerBound(long value)
        {
            int lo = Head, hi = End;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Entries[mid].At < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            return lo;
        }

        public void Insert(in LedgerEntry entry, long id, bool committed)
        {
            if (End == Entries.Length)
            {
                var live = Count;
                if (Head > 0 && live <= Entries.Length / 2)
                {
                    Array.Copy(Entries, Head, Entries, 0, live);
                    Array.Clear(Entries, live, Entries.Length - live);
                }
                else
                {
                    var bigger = new Entry[Entries.Length * 2];
                    Array.Copy(Entries, Head, bigger, 0, live);
                    Entries = bigger;
                }
                Head = 0;
                End = live;
                // Drop the bits of offers that left with the dropped entries.
                _offerBits = 0;
                for (var i = 0; i < End; i++)
                {
                    if (Entries[i].Offer is { } offer)
                    {
                        _offerBits |= OfferBit(offer);
                    }
                }
            }
            // Usually the newest: append. A contact stamped earlier than the newest (clocks of concurrent callers)
            // is shifted into place to keep the array sorted.
            var at = End;
            while (at > Head && Entries[at - 1].At > entry.AtUtcTicks)
            {
                at--;
            }
            if (at < End)
            {
                Array.Copy(Entries, at, Entries, at + 1, End - at);
            }
            Entries[at] = new Entry
            {
                Key = entry.IdempotencyKey,
                Channel = entry.Channel,
                Offer = entry.Offer,
                Category = entry.Category,
                Household = entry.HouseholdId,
                At = entry.AtUtcTicks,
                Expires = committed ? long.MaxValue : entry.ExpiresUtcTicks,
                Id = id,
                Counted = entry.Counted,
                Committed = committed,
            };
            End++;
            if (entry.Offer is { } newOffer)
            {
                _offerBits |= OfferBit(newOffer);
            }
            if (_byKey is not null)
            {
                _byKey.Add(entry.IdempotencyKey, entry.AtUtcTicks);
            }
            else if (Count > KeyIndexThreshold)
            {
                _byKey = new Dictionary<string, long>(Count * 2, StringComparer.Ordinal);
                for (var i = Head; i < End; i++)
                {
                    _byKey.Add(Entries[i].Key, Entries[i].At);
                }
            }
        }

        public void RemoveAt(int index)
        {
            _byKey?.Remove(Entries[index].Key);
            if (index == Head)
            {
                Entries[Head++] = default;
            }
            else
            {
                Array.Copy(Entries, index + 1, Entries, index, End - index - 1);
                Entries[--End] = default;
            }
            if (Head == End)
            {
                Head = End = 0;
                _offerBits = 0;
            }
        }

        /// <summary>
        /// Removes committed entries older than <paramref name="olderThan"/> and holds that expired before
        /// <paramref name="expiredBefore"/> in one compacting pass (removing one at a time would shift the array and
        /// move <see cref="Head"/> under the loop). Returns how many were removed.
        /// </summary>
        public int Prune(long olderThan, long expiredBefore)
        {
            var write = Head;
            for (var read = Head; read < End; read++)
            {
                ref var e = ref Entries[read];
                if (e.Committed ? e.At < olderThan : e.Expires < expiredBefore)
                {
                    _byKey?.Remove(e.Key);
                    continue;
                }
                if (write != read)
                {
                    Entries[write] = e;
                }
                write++;
            }
            var removed = End - write;
            Array.Clear(Entries, write, removed);
            End = write;
            if (Head == End)
            {
                Head = End = 0;
                _offerBits = 0;
            }
            return removed;
        }

        /// <summary>Drops the oldest entries before <paramref name="cutoff"/> that no longer count (committed, or expired holds).</summary>
        public void DropOld(long cutoff, long now)
        {
            while (Head < End)
            {
                ref var e = ref Entries[Head];
                if (e.At >= cutoff || !(e.Committed || e.Expires <= now))
                {
                    break;
                }
                _byKey?.Remove(e.Key);
                e = default;
                Head++;
            }
            if (Head == End)
            {
                Head = End = 0;
                _offerBits = 0;
            }
        }
    }

    /// <summary>Sorted committed contact times with O(1) amortised removal of the oldest ones.</summary>
    private sealed class TimeList
    {
        private long[] _items = new long[16];
        private int _head;
        private int _end;

        public int Count => _end - _head;

        public long this[int index] => _items[_head + index];

        public int LowerBound(long value)
        {
            int lo = _head, hi = _end;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_items[mid] < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            return lo - _head;
        }

        public void Insert(long value)
        {
            if (_end == _items.Length)
            {
                var live = Count;
                if (_head > 0 && live <= _items.Length / 2)
                {
                    Array.Copy(_items, _head, _items, 0, live);
                }
                else
                {
                    var bigger = new long[_items.Length * 2];
                    Array.Copy(_items, _head, bigger, 0, live);
                    _items = bigger;
                }
                _head = 0;
                _end = live;
            }
            var at = _end;
            while (at > _head && _items[at - 1] > value)
            {
                at--;
            }
            if (at < _end)
            {
                Array.Copy(_items, at, _items, at + 1, _end - at);
            }
            _items[at] = value;
            _end++;
        }

        public void DropBefore(long cutoff)
        {
            while (_head < _end && _items[_head] < cutoff)
            {
                _head++;
            }
        }
    }

    /// <summary>A pending (uncommitted) counted contact as seen by its channel's totals.</summary>
    private readonly record struct PendingRef(long Id, long At, long Expires);

    private sealed class ChannelTotals(string channel)
    {
        public readonly string Channel = channel;
        public readonly TimeList Committed = new();
        public readonly List<PendingRef> Pending = [];

        /// <summary>Removes the pending entry <paramref name="id"/>; searched newest first (commits follow reservations closely).</summary>
        public void RemovePending(long id)
        {
            for (var i = Pending.Count - 1; i >= 0; i--)
            {
                if (Pending[i].Id == id)
                {
                    Pending.RemoveAt(i);
                    return;
                }
            }
        }
    }
}

namespace AccountabilityDsl.Runtime;

/// <summary>
/// Which ledger entries a <see cref="CountConstraint"/> counts. Only counted (non-exempt) entries that are committed,
/// or pending and not yet expired, are ever counted. A null member means "any"; every non-null member must match.
/// </summary>
/// <remarks>
/// New dimensions are added as init-only properties (null = any) so that existing constructions keep their meaning;
/// every ledger must honour every member (the conformance suite checks each one).
/// </remarks>
/// <param name="CustomerId">Only this customer's entries (null = all customers, used by channel capacities).</param>
/// <param name="Channel">Only entries through this channel.</param>
/// <param name="Offer">Only entries carrying this offer.</param>
/// <param name="OffersOnly">Only entries that carry some offer.</param>
public readonly record struct ContactFilter(string? CustomerId, string? Channel, string? Offer, bool OffersOnly)
{
    /// <summary>Only entries carrying one of these offers (an offer group); null = any. Compared ordinally.</summary>
    public IReadOnlyList<string>? OfferIn { get; init; }

    /// <summary>Only entries recorded for this household (<see cref="LedgerEntry.HouseholdId"/>); null = any.</summary>
    public string? HouseholdId { get; init; }

    /// <summary>True when an entry with these attributes matches the filter.</summary>
    public bool Matches(string customerId, string channel, string? offer) =>
        (CustomerId is null || string.Equals(CustomerId, customerId, StringComparison.Ordinal))
        && MatchesContact(channel, offer);

    /// <summary>True when an entry's channel and offer match (the customer is checked by the caller).</summary>
    public bool MatchesContact(string channel, string? offer)
    {
        if ((Channel is not null && !string.Equals(Channel, channel, StringComparison.Ordinal))
            || (Offer is not null && !string.Equals(Offer, offer, StringComparison.Ordinal))
            || (OffersOnly && offer is null))
        {
            return false;
        }
        if (OfferIn is { } group)
        {
            if (offer is null)
            {
                return false;
            }
            foreach (var o in group)
            {
                if (string.Equals(o, offer, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }
}

/// <summary>
/// "Fewer than <paramref name="MaxCount"/> entries matching <paramref name="Filter"/> at or after <paramref name="FromUtcTicks"/>".
/// A reservation may be inserted only while every constraint holds, i.e. the count is strictly below the maximum.
/// A maximum of 0 never holds (a <c>never</c> rule).
/// </summary>
/// <param name="Filter">Which entries count.</param>
/// <param name="FromUtcTicks">Inclusive lower bound of the entry time, in UTC ticks.</param>
/// <param name="MaxCount">The cap.</param>
public readonly record struct CountConstraint(ContactFilter Filter, long FromUtcTicks, int MaxCount);

/// <summary>
/// "The customer has no <paramref name="EventName"/> event at or after <paramref name="FromUtcTicks"/>": a cool-down,
/// decided by the ledger in the same atomic step as the count constraints.
/// </summary>
/// <param name="CustomerId">The customer whose events are looked at.</param>
/// <param name="EventName">The event, e.g. <c>complaint</c>.</param>
/// <param name="FromUtcTicks">Events at or after this instant (UTC ticks) deny.</param>
public readonly record struct EventConstraint(string CustomerId, string EventName, long FromUtcTicks);

/// <summary>How many entries a constraint counts now, and which one has to leave the window for a slot to free.</summary>
/// <param name="Count">Counted entries.</param>
/// <param name="PivotUtcTicks">
/// When <c>Count ≥ MaxCount &gt; 0</c>: the time of the (Count − MaxCount + 1)-th oldest counted entry — once it (and
/// all older ones) has left the window, the count is below the cap. Otherwise null.
/// </param>
public readonly record struct WindowUsage(int Count, long? PivotUtcTicks);

/// <summary>A contact to be reserved in the ledger.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="IdempotencyKey">Identifies the contact attempt; unique per customer.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Offer">The offer carried, if any.</param>
/// <param name="Category">The contact category, if any.</param>
/// <param name="Counted">False for exempt contacts: stored for the record, never counted.</param>
/// <param name="AtUtcTicks">The contact time (reservation time), UTC ticks.</param>
/// <param name="ExpiresUtcTicks">When an uncommitted reservation stops counting, UTC ticks.</param>
public readonly record struct LedgerEntry(
    string CustomerId,
    string IdempotencyKey,
    string Channel,
    string? Offer,
    string? Category,
    bool Counted,
    long AtUtcTicks,
    long ExpiresUtcTicks)
{
    /// <summary>The customer's household, when the host knows it (household-scoped limits count by it); null = none.</summary>
    public string? HouseholdId { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless every text is a usable identifier (see
    /// <see cref="LedgerText.Require"/>) and the times are ordered (<c>At &lt; Expires</c>). Every ledger calls this
    /// before it writes anything.
    /// </summary>
    public void Validate()
    {
        LedgerText.Require(CustomerId, "customer id");
        LedgerText.Require(IdempotencyKey, "idempotency key");
        LedgerText.Require(Channel, "channel");
        LedgerText.RequireOptional(Offer, "offer");
        LedgerText.RequireOptional(Category, "category");
        LedgerText.RequireOptional(HouseholdId, "household id");
        ValidateTimes();
    }

    /// <summary>The part of <see cref="Validate"/> that checks the times (<c>At &lt; Expires</c>).</summary>
    internal void ValidateTimes()
    {
        if (ExpiresUtcTicks <= AtUtcTicks)
        {
            throw new ArgumentException($"The reservation expires ({ExpiresUtcTicks}) before it is made ({AtUtcTicks}).", nameof(ExpiresUtcTicks));
        }
    }
}

/// <summary>Outcome of <see cref="IContactLedger.TryReserve"/>.</summary>
public enum LedgerReserveStatus
{
    /// <summary>A new pending reservation was inserted.</summary>
    Reserved,
    /// <summary>The idempotency key already holds a pending, unexpired reservation; nothing was inserted.</summary>
    AlreadyReserved,
    /// <summary>The idempotency key already holds a committed contact; nothing was inserted.</summary>
    AlreadyCommitted,
    /// <summary>A constraint was at its cap (or an event constraint found an event); nothing was inserted.</summary>
    Denied,
    /// <summary>The one-call path (<c>commit: true</c>): the contact was inserted already committed.</summary>
    Recorded,
}

/// <summary>Result of <see cref="IContactLedger.TryReserve"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Entry">The stored entry (the existing one for a repeated key); default when denied.</param>
/// <param name="DeniedConstraint">
/// When denied: the index of the first failing constraint, counting the count constraints first and then the event
/// constraints (an event constraint <c>j</c> is reported as <c>counts.Length + j</c>). Otherwise −1.
/// </param>
/// <param name="ReservationId">
/// The ledger-wide identity of the stored reservation (never reused, also not after a release or expiry), 0 when
/// denied. Commit and release must name it, so a stale handle can never act on a newer reservation of the same key.
/// </param>
public readonly record struct LedgerReserveResult(LedgerReserveStatus Status, LedgerEntry Entry, int DeniedConstraint, long ReservationId)
{
    /// <summary>An optional ledger-specific lookup hint carried back in <see cref="ReservationRef.Hint"/> (never needed for correctness).</summary>
    public object? Hint { get; init; }

    /// <summary>The reference to pass to <see cref="IContactLedger.Commit"/> and <see cref="IContactLedger.Release"/>.</summary>
    public ReservationRef Reference => new(Entry.CustomerId, Entry.IdempotencyKey, ReservationId) { Hint = Hint };
}

/// <summary>Names one reservation: its customer, key and ledger-assigned id.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="IdempotencyKey">The key.</param>
/// <param name="ReservationId">The id the ledger assigned when the reservation was made.</param>
public readonly record struct ReservationRef(string CustomerId, string IdempotencyKey, long ReservationId)
{
    /// <summary>An optional ledger-specific lookup hint (never needed for correctness; ignored by other ledgers).</summary>
    public object? Hint { get; init; }
}

/// <summary>Outcome of a commit.</summary>
public enum CommitOutcome
{
    /// <summary>The reservation became a recorded contact.</summary>
    Committed,
    /// <summary>It was committed before; nothing changed.</summary>
    AlreadyCommitted,
    /// <summary>The reservation had expired (its slot may have been taken); nothing was recorded.</summary>
    Expired,
    /// <summary>No such reservation (released, pruned, replaced by a newer reservation of the key, or never made).</summary>
    NotFound,
    /// <summary>
    /// The reservation was handed out while the ledger could not be reached (<see cref="Reservation.IsRecorded"/> is
    /// false): there is nothing to commit, and the contact is not counted.
    /// </summary>
    NotRecorded,
}

/// <summary>A stored ledger entry as read back (for audit and tests).</summary>
/// <param name="Entry">The entry.</param>
/// <param name="IsCommitted">True when committed.</param>
/// <param name="ReservationId">The ledger-assigned id of the reservation.</param>
public readonly record struct LedgerRecord(LedgerEntry Entry, bool IsCommitted, long ReservationId = 0);

/// <summary>
/// Storage of contacts, reservations and events. Implementations must be thread-safe (and, for shared stores,
/// safe across processes). Every implementation runs the ledger conformance suite.
/// </summary>
/// <remarks>
/// <para><b>Atomicity.</b> <see cref="TryReserve"/> decides a reservation — its repeated-key lookup, every count
/// constraint and every event constraint — and records it in ONE atomic step, so two concurrent callers can never
/// both take the last slot, and nothing decided outside that step can be stale.</para>
/// <para><b>Ledger time.</b> A ledger keeps a high-water time: the latest <c>nowUtcTicks</c> any reserve, commit or
/// prune has presented. Expiry is always judged against
/// <c>max(now, high-water)</c>, so a clock that steps backwards can never revive a reservation: once a reservation has
/// been seen expired by a write, it stays expired. Reads (<see cref="Measure"/>, <see cref="Find"/>) use the same
/// rule but do not move the high-water time.</para>
/// <para><b>Identity.</b> Each reservation gets a ledger-wide id that is never reused. <see cref="Commit"/> and
/// <see cref="Release"/> act only on the reservation with that id: a stale reference (the key was re-reserved after
/// expiry) gets <see cref="CommitOutcome.Expired"/>/<see cref="CommitOutcome.NotFound"/> and leaves the new holder's
/// reservation alone.</para>
/// <para><b>Input.</b> Ids, keys and names must be well-formed UTF-16, not empty and not only white space
/// (<see cref="LedgerText"/>); a ledger refuses bad input with <see cref="ArgumentException"/> before writing.</para>
/// </remarks>
public interface IContactLedger : IDisposable
{
    /// <summary>Counts entries for one constraint at <paramref name="nowUtcTicks"/> (pending entries count while unexpired).</summary>
    WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks);

    /// <summary>
    /// Null when the constraint holds at <paramref name="nowUtcTicks"/> (fewer entries than its maximum); otherwise
    /// the same usage as <see cref="Measure"/>. What <see cref="ContactGate.Check"/> asks for each rule: a ledger may
    /// answer "holds" without counting exactly (the in-memory ledger does when fewer entries than the maximum lie in
    /// the window at all).
    /// </summary>
    WindowUsage? MeasureIfAtCap(in CountConstraint constraint, long nowUtcTicks)
    {
        var usage = Measure(constraint, nowUtcTicks);
        return usage.Count < constraint.MaxCount ? null : usage;
    }

    /// <summary>
    /// <see cref="MeasureIfAtCap"/> of each constraint into <paramref name="usages"/> (same length): the rules of one
    /// request, asked together so that a ledger can answer them in one step (one lock, one lookup of the customer).
    /// Not one atomic snapshot: like separate calls, a concurrent reservation may land in between.
    /// </summary>
    void MeasureEachIfAtCap(ReadOnlySpan<CountConstraint> constraints, Span<WindowUsage?> usages, long nowUtcTicks)
    {
        for (var i = 0; i < constraints.Length; i++)
        {
            usages[i] = MeasureIfAtCap(constraints[i], nowUtcTicks);
        }
    }

    /// <summary>
    /// Atomically: if <paramref name="entry"/>'s key already holds a committed contact or a pending unexpired
    /// reservation, returns it; otherwise, if every count constraint holds (count &lt; max) and no event constraint
    /// finds an event, inserts the entry — as a pending reservation, or already committed when
    /// <paramref name="commit"/> is true (replacing an expired reservation under the same key); otherwise denies.
    /// </summary>
    LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false);

    /// <summary>
    /// Turns the pending, unexpired reservation <paramref name="reservation"/> into a recorded contact. Idempotent.
    /// Expired when its own expiry is at or before <c>max(now, high-water)</c>.
    /// </summary>
    CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks);

    /// <summary>
    /// Drops the pending reservation <paramref name="reservation"/>. Returns false when there was none with that id
    /// (committed contacts are never released; a newer reservation of the same key is never touched).
    /// </summary>
    bool Release(in ReservationRef reservation, long nowUtcTicks);

    /// <summary>Records that <paramref name="eventName"/> happened for the customer (the latest time is kept).</summary>
    void RecordEvent(string customerId, string eventName, long atUtcTicks);

    /// <summary>The latest recorded time of the event for the customer, or null.</summary>
    long? LastEvent(string customerId, string eventName);

    /// <summary>Reads one entry back.</summary>
    LedgerRecord? Find(string customerId, string idempotencyKey);

    /// <summary>
    /// Retention: deletes committed contacts and events older than <paramref name="olderThanUtcTicks"/> and pending
    /// reservations that expired before <paramref name="expiredBeforeUtcTicks"/>. Returns how many rows were removed.
    /// Callers must keep everything a policy still counts (see <see cref="ContactGate.Prune"/>, which checks).
    /// </summary>
    int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks);
}

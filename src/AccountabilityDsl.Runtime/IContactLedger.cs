namespace AccountabilityDsl.Runtime;

/// <summary>
/// Which ledger entries a <see cref="CountConstraint"/> counts. Only counted (non-exempt) entries that are committed,
/// or pending and not yet expired, are ever counted. A null member means "any".
/// </summary>
/// <param name="CustomerId">Only this customer's entries (null = all customers, used by channel capacities).</param>
/// <param name="Channel">Only entries through this channel.</param>
/// <param name="Offer">Only entries carrying this offer.</param>
/// <param name="OffersOnly">Only entries that carry some offer.</param>
/// <remarks>
/// Two optional members narrow further: <see cref="HouseholdId"/> (only entries stored with that household; used
/// instead of <see cref="CustomerId"/> by <c>per household</c> limits) and <see cref="OfferSet"/> (only entries
/// carrying one of these offers; used by group limits).
/// </remarks>
public readonly record struct ContactFilter(string? CustomerId, string? Channel, string? Offer, bool OffersOnly)
{
    /// <summary>Only entries stored with this household id (null = any).</summary>
    public string? HouseholdId { get; init; }

    /// <summary>Only entries carrying one of these offers (null = any).</summary>
    public IReadOnlyList<string>? OfferSet { get; init; }

    /// <summary>True when an entry with these attributes matches the filter.</summary>
    public bool Matches(string customerId, string channel, string? offer) => Matches(customerId, channel, offer, null);

    /// <summary>True when an entry with these attributes (and household) matches the filter.</summary>
    public bool Matches(string customerId, string channel, string? offer, string? householdId) =>
        (CustomerId is null || string.Equals(CustomerId, customerId, StringComparison.Ordinal))
        && (HouseholdId is null || string.Equals(HouseholdId, householdId, StringComparison.Ordinal))
        && (Channel is null || string.Equals(Channel, channel, StringComparison.Ordinal))
        && (Offer is null || string.Equals(Offer, offer, StringComparison.Ordinal))
        && (OfferSet is null || (offer is not null && OfferSet.Contains(offer, StringComparer.Ordinal)))
        && (!OffersOnly || offer is not null);
}

/// <summary>
/// "Fewer than <paramref name="MaxCount"/> entries matching <paramref name="Filter"/> at or after <paramref name="FromUtcTicks"/>".
/// A reservation may be inserted only while every constraint holds, i.e. the count is strictly below the maximum.
/// </summary>
/// <param name="Filter">Which entries count.</param>
/// <param name="FromUtcTicks">Inclusive lower bound of the entry time, in UTC ticks.</param>
/// <param name="MaxCount">The cap.</param>
public readonly record struct CountConstraint(ContactFilter Filter, long FromUtcTicks, int MaxCount);

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
    /// <summary>The customer's household when the contact was made (null: none given).</summary>
    public string? HouseholdId { get; init; }
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
    /// <summary>A constraint was at its cap; nothing was inserted.</summary>
    Denied,
}

/// <summary>Result of <see cref="IContactLedger.TryReserve"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Entry">The stored entry (the existing one for a repeated key); default when denied.</param>
/// <param name="DeniedConstraint">Index of the first constraint at its cap when denied, else −1.</param>
/// <param name="Handle">Opaque ledger-specific handle passed back to Commit/Release (may be null).</param>
public readonly record struct LedgerReserveResult(LedgerReserveStatus Status, LedgerEntry Entry, int DeniedConstraint, object? Handle);

/// <summary>Outcome of a commit.</summary>
public enum CommitOutcome
{
    /// <summary>The reservation became a recorded contact.</summary>
    Committed,
    /// <summary>It was committed before; nothing changed.</summary>
    AlreadyCommitted,
    /// <summary>The reservation had expired (its slot may have been taken); nothing was recorded.</summary>
    Expired,
    /// <summary>No such reservation (released, pruned, or never made).</summary>
    NotFound,
}

/// <summary>A stored ledger entry as read back (for audit and tests).</summary>
/// <param name="Entry">The entry.</param>
/// <param name="IsCommitted">True when committed.</param>
public readonly record struct LedgerRecord(LedgerEntry Entry, bool IsCommitted);

/// <summary>
/// Storage of contacts, reservations and events. Implementations must be thread-safe. The essential operation is
/// <see cref="TryReserve"/>: it evaluates all count constraints and inserts the reservation in ONE atomic step, so two
/// concurrent callers can never both take the last slot.
/// </summary>
public interface IContactLedger : IDisposable
{
    /// <summary>Counts entries for one constraint at <paramref name="nowUtcTicks"/> (pending entries count while unexpired).</summary>
    WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks);

    /// <summary>
    /// Atomically: if <paramref name="entry"/>'s key already holds a committed contact or a pending unexpired
    /// reservation, returns it; otherwise, if every constraint holds (count &lt; max), inserts the entry as a pending
    /// reservation (replacing an expired one under the same key); otherwise denies.
    /// </summary>
    LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> constraints, long nowUtcTicks);

    /// <summary>Turns a pending, unexpired reservation into a recorded contact. Idempotent.</summary>
    CommitOutcome Commit(string customerId, string idempotencyKey, object? handle, long nowUtcTicks);

    /// <summary>Drops a pending reservation. Returns false when there was none (committed contacts are never released).</summary>
    bool Release(string customerId, string idempotencyKey, object? handle);

    /// <summary>Records that <paramref name="eventName"/> happened for the customer (the latest time is kept).</summary>
    void RecordEvent(string customerId, string eventName, long atUtcTicks);

    /// <summary>The latest recorded time of the event for the customer, or null.</summary>
    long? LastEvent(string customerId, string eventName);

    /// <summary>Reads one entry back.</summary>
    LedgerRecord? Find(string customerId, string idempotencyKey);

    /// <summary>
    /// Retention: deletes committed contacts and events older than <paramref name="olderThanUtcTicks"/> and pending
    /// reservations that expired before <paramref name="expiredBeforeUtcTicks"/>. Returns how many rows were removed.
    /// </summary>
    int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks);
}

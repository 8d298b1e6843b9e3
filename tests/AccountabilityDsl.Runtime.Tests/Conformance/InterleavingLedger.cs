using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// A ledger decorator that runs a test's action right before the next call of one operation, forcing an interleaving
/// deterministically: "another worker does X between this worker's steps". The hook runs once.
/// </summary>
internal sealed class InterleavingLedger(IContactLedger inner) : IContactLedger
{
    private Action? _beforeReserve;
    private Action? _beforeCommit;

    public IContactLedger Inner { get; } = inner;

    /// <summary>Runs <paramref name="action"/> once, right before the next <see cref="TryReserve"/> reaches the ledger.</summary>
    public void BeforeNextReserve(Action action) => _beforeReserve = action;

    /// <summary>Runs <paramref name="action"/> once, right before the next <see cref="Commit"/> reaches the ledger.</summary>
    public void BeforeNextCommit(Action action) => _beforeCommit = action;

    public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks) => Inner.Measure(constraint, nowUtcTicks);

    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false)
    {
        Interlocked.Exchange(ref _beforeReserve, null)?.Invoke();
        return Inner.TryReserve(entry, counts, events, nowUtcTicks, commit);
    }

    public CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks)
    {
        Interlocked.Exchange(ref _beforeCommit, null)?.Invoke();
        return Inner.Commit(reservation, nowUtcTicks);
    }

    public bool Release(in ReservationRef reservation, long nowUtcTicks) => Inner.Release(reservation, nowUtcTicks);

    public void RecordEvent(string customerId, string eventName, long atUtcTicks) => Inner.RecordEvent(customerId, eventName, atUtcTicks);

    public long? LastEvent(string customerId, string eventName) => Inner.LastEvent(customerId, eventName);

    public LedgerRecord? Find(string customerId, string idempotencyKey) => Inner.Find(customerId, idempotencyKey);

    public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks) => Inner.Prune(olderThanUtcTicks, expiredBeforeUtcTicks);

    public void Dispose() => Inner.Dispose();
}

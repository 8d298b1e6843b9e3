namespace AccountabilityDsl.Runtime;

/// <summary>
/// A thread-safe in-process <see cref="IContactLedger"/>. All operations run under one lock, which makes the
/// check-and-insert of <see cref="TryReserve"/> trivially atomic (including channel capacities that span customers);
/// the critical sections are short scans of one customer's recent entries. Nothing survives the process: use
/// <see cref="SqliteContactLedger"/> when contacts must be durable.
/// </summary>
public sealed class InMemoryContactLedger : IContactLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Customer> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelTotals> _channels = new(StringComparer.Ordinal);
    private readonly long _retentionTicks;

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
    }

    /// <inheritdoc />
    public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks)
    {
        lock (_lock)
        {
            var count = Count(constraint, nowUtcTicks, stopAt: int.MaxValue);
            long? pivot = null;
            if (constraint.MaxCount > 0 && count >= constraint.MaxCount)
            {
                pivot = NthOldest(constraint, nowUtcTicks, count - constraint.MaxCount + 1);
            }
            return new WindowUsage(count, pivot);
        }
    }

    /// <inheritdoc />
    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> constraints, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(entry.CustomerId);
        ArgumentNullException.ThrowIfNull(entry.IdempotencyKey);
        ArgumentNullException.ThrowIfNull(entry.Channel);
        lock (_lock)
        {
            if (!_customers.TryGetValue(entry.CustomerId, out var customer))
            {
                customer = new Customer(entry.CustomerId);
                _customers.Add(entry.CustomerId, customer);
            }
            if (customer.FindKey(entry.IdempotencyKey) is { } existing)
            {
                if (existing.Committed)
                {
                    return new LedgerReserveResult(LedgerReserveStatus.AlreadyCommitted, existing.ToEntry(), -1, existing);
                }
                if (existing.Expires > nowUtcTicks)
                {
                    return new LedgerReserveResult(LedgerReserveStatus.AlreadyReserved, existing.ToEntry(), -1, existing);
                }
                Remove(existing);
            }
            for (var i = 0; i < constraints.Length; i++)
            {
                ref readonly var c = ref constraints[i];
                if (c.MaxCount <= 0 || Count(c, nowUtcTicks, c.MaxCount) >= c.MaxCount)
                {
                    if (customer.Items.Count == 0 && customer.Events is null)
                    {
                        _customers.Remove(customer.Id);
                    }
                    return new LedgerReserveResult(LedgerReserveStatus.Denied, default, i, null);
                }
            }
            var item = new Item(customer, entry);
            Insert(customer, item, nowUtcTicks);
            return new LedgerReserveResult(LedgerReserveStatus.Reserved, entry, -1, item);
        }
    }

    /// <inheritdoc />
    public CommitOutcome Commit(string customerId, string idempotencyKey, object? handle, long nowUtcTicks)
    {
        lock (_lock)
        {
            var item = Resolve(customerId, idempotencyKey, handle);
            if (item is null)
            {
                return CommitOutcome.NotFound;
            }
            if (item.Committed)
            {
                return CommitOutcome.AlreadyCommitted;
            }
            if (item.Expires <= nowUtcTicks)
            {
                return CommitOutcome.Expired;
            }
            item.Committed = true;
            item.Expires = long.MaxValue;
            if (item.Counted)
            {
                var totals = _channels[item.Channel];
                totals.Pending.Remove(item);
                totals.Committed.Insert(item.At);
                if (_retentionTicks != long.MaxValue)
                {
                    totals.Committed.DropBefore(nowUtcTicks - _retentionTicks);
                }
            }
            return CommitOutcome.Committed;
        }
    }

    /// <inheritdoc />
    public bool Release(string customerId, string idempotencyKey, object? handle)
    {
        lock (_lock)
        {
            var item = Resolve(customerId, idempotencyKey, handle);
            if (item is null || item.Committed)
            {
                return false;
            }
            Remove(item);
            return true;
        }
    }

    /// <inheritdoc />
    public void RecordEvent(string customerId, string eventName, long atUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(eventName);
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
            var item = Resolve(customerId, idempotencyKey, null);
            return item is null ? null : new LedgerRecord(item.ToEntry(), item.Committed);
        }
    }

    /// <inheritdoc />
    public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks)
    {
        lock (_lock)
        {
            var removed = 0;
            List<string>? emptyCustomers = null;
            foreach (var customer in _customers.Values)
            {
                for (var i = customer.Items.Count - 1; i >= 0; i--)
                {
                    var item = customer.Items[i];
                    if (item.Committed ? item.At < olderThanUtcTicks : item.Expires < expiredBeforeUtcTicks)
                    {
                        customer.Items.RemoveAt(i);
                        customer.RemoveKey(item);
                        item.Removed = true;
                        removed++;
                    }
                }
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
                if (customer.Items.Count == 0 && (customer.Events is null || customer.Events.Count == 0))
                {
                    (emptyCustomers ??= []).Add(customer.Id);
                }
            }
            if (emptyCustomers is not null)
            {
                foreach (var id in emptyCustomers)
                {
                    _customers.Remove(id);
                }
            }
            foreach (var totals in _channels.Values)
            {
                totals.Committed.DropBefore(olderThanUtcTicks);
                totals.Pending.RemoveAll(p => p.Removed || p.Expires < expiredBeforeUtcTicks);
            }
            return removed;
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private Item? Resolve(string customerId, string key, object? handle)
    {
        if (handle is Item h && !h.Removed
            && string.Equals(h.Owner.Id, customerId, StringComparison.Ordinal)
            && string.Equals(h.Key, key, StringComparison.Ordinal))
        {
            return h;
        }
        return _customers.TryGetValue(customerId, out var customer) ? customer.FindKey(key) : null;
    }

    private void Insert(Customer customer, Item item, long now)
    {
        var items = customer.Items;
        if (items.Count == 0 || items[^1].At <= item.At)
        {
            items.Add(item);
        }
        else
        {
            var at = items.Count;
            while (at > 0 && items[at - 1].At > item.At)
            {
                at--;
            }
            items.Insert(at, item);
        }
        customer.AddKey(item);
        if (item.Counted)
        {
            if (!_channels.TryGetValue(item.Channel, out var totals))
            {
                totals = new ChannelTotals();
                _channels.Add(item.Channel, totals);
            }
            totals.Pending.Add(item);
        }
        if (_retentionTicks != long.MaxValue)
        {
            var cutoff = now - _retentionTicks;
            var stale = 0;
            while (stale < items.Count && items[stale].At < cutoff && (items[stale].Committed || items[stale].Expires <= now))
            {
                var old = items[stale];
                customer.RemoveKey(old);
                old.Removed = true;
                stale++;
            }
            if (stale > 0)
            {
                items.RemoveRange(0, stale);
            }
        }
    }

    private void Remove(Item item)
    {
        var customer = item.Owner;
        customer.Items.Remove(item);
        customer.RemoveKey(item);
        if (item.Counted && !item.Committed && _channels.TryGetValue(item.Channel, out var totals))
        {
            totals.Pending.Remove(item);
        }
        item.Removed = true;
    }

    private int Count(in CountConstraint c, long now, int stopAt)
    {
        var f = c.Filter;
        var count = 0;
        if (f.CustomerId is not null)
        {
            if (!_customers.TryGetValue(f.CustomerId, out var customer))
            {
                return 0;
            }
            var items = customer.Items;
            for (var i = items.Count - 1; i >= 0; i--)
            {
                var item = items[i];
                if (item.At < c.FromUtcTicks)
                {
                    break;
                }
                if (item.Counted && item.Expires > now && item.Matches(f) && ++count >= stopAt)
                {
                    return count;
                }
            }
            return count;
        }
        if (f.Channel is not null && f.Offer is null && !f.OffersOnly)
        {
            if (!_channels.TryGetValue(f.Channel, out var totals))
            {
                return 0;
            }
            count = totals.Committed.Count - totals.Committed.LowerBound(c.FromUtcTicks);
            var pending = totals.Pending;
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                var p = pending[i];
                if (p.Expires <= now)
                {
                    pending.RemoveAt(i);
                }
                else if (p.At >= c.FromUtcTicks)
                {
                    count++;
                }
            }
            return count;
        }
        // General filter without a customer: scan everything (not used by ContactGate).
        foreach (var customer in _customers.Values)
        {
            foreach (var item in customer.Items)
            {
                if (item.At >= c.FromUtcTicks && item.Counted && item.Expires > now && item.Matches(f))
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
        var times = new List<long>();
        if (f.CustomerId is not null)
        {
            if (_customers.TryGetValue(f.CustomerId, out var customer))
            {
                foreach (var item in customer.Items)
                {
                    if (item.At >= c.FromUtcTicks && item.Counted && item.Expires > now && item.Matches(f))
                    {
                        times.Add(item.At);
                    }
                }
            }
        }
        else if (f.Channel is not null && f.Offer is null && !f.OffersOnly)
        {
            if (_channels.TryGetValue(f.Channel, out var totals))
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
                foreach (var item in customer.Items)
                {
                    if (item.At >= c.FromUtcTicks && item.Counted && item.Expires > now && item.Matches(f))
                    {
                        times.Add(item.At);
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

    private sealed class Customer(string id)
    {
        public readonly string Id = id;
        public readonly List<Item> Items = new(4);
        private Dictionary<string, Item>? _byKey;

        /// <summary>Idempotency lookup: a linear scan of the few recent entries, or a dictionary once there are many.</summary>
        public Item? FindKey(string key)
        {
            if (_byKey is not null)
            {
                return _byKey.TryGetValue(key, out var found) ? found : null;
            }
            for (var i = Items.Count - 1; i >= 0; i--)
            {
                var item = Items[i];
                if (string.Equals(item.Key, key, StringComparison.Ordinal))
                {
                    return item;
                }
            }
            return null;
        }

        /// <summary>Called after <paramref name="item"/> was added to <see cref="Items"/>.</summary>
        public void AddKey(Item item)
        {
            if (_byKey is not null)
            {
                _byKey.Add(item.Key, item);
            }
            else if (Items.Count > 8)
            {
                _byKey = new Dictionary<string, Item>(Items.Count * 2, StringComparer.Ordinal);
                foreach (var i in Items)
                {
                    _byKey.Add(i.Key, i);
                }
            }
        }

        public void RemoveKey(Item item) => _byKey?.Remove(item.Key);
        public Dictionary<string, long>? Events;
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

    private sealed class ChannelTotals
    {
        public readonly TimeList Committed = new();
        public readonly List<Item> Pending = [];
    }

    private sealed class Item(Customer owner, in LedgerEntry entry)
    {
        public readonly Customer Owner = owner;
        public readonly string Key = entry.IdempotencyKey;
        public readonly string Channel = entry.Channel;
        public readonly string? Offer = entry.Offer;
        public readonly string? Category = entry.Category;
        public readonly bool Counted = entry.Counted;
        public readonly long At = entry.AtUtcTicks;
        public long Expires = entry.ExpiresUtcTicks;
        public bool Committed;
        public bool Removed;

        public bool Matches(in ContactFilter f) =>
            (f.Channel is null || string.Equals(f.Channel, Channel, StringComparison.Ordinal))
            && (f.Offer is null || string.Equals(f.Offer, Offer, StringComparison.Ordinal))
            && (!f.OffersOnly || Offer is not null);

        public LedgerEntry ToEntry() =>
            new(Owner.Id, Key, Channel, Offer, Category, Counted, At, Committed ? long.MaxValue : Expires);
    }
}

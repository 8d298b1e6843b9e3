using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace AccountabilityDsl.Runtime;

/// <summary>Options for <see cref="SqliteContactLedger"/>.</summary>
/// <param name="SynchronousFull">
/// True (default): <c>PRAGMA synchronous=FULL</c> — every committed transaction is fsynced to the WAL before the call
/// returns, so a committed contact survives power loss as well as a process crash. False: <c>synchronous=NORMAL</c>,
/// which in WAL mode survives process crashes but may lose the last transactions on power loss or OS crash.
/// </param>
/// <param name="BusyTimeout">How long a write waits for another process holding the write lock (default 10 s).</param>
public sealed record SqliteLedgerOptions(bool SynchronousFull = true, TimeSpan? BusyTimeout = null);

/// <summary>
/// The durable <see cref="IContactLedger"/>: one SQLite database file in WAL journal mode, safe to share between
/// threads and between several processes on one machine. Each reservation is one <c>BEGIN IMMEDIATE</c> transaction
/// that counts every constraint and inserts the reservation, so the write lock makes check-and-insert atomic across
/// processes. The schema is created on open, and a database of an older schema version is migrated (version 2 added
/// the household id of each contact).
/// </summary>
public sealed class SqliteContactLedger : IContactLedger
{
    private const int SchemaVersion = 2;
    private const string Columns = "customer, idem_key, channel, offer, category, counted, at, expires, state, household";
    private readonly string _connectionString;
    private readonly SqliteLedgerOptions _options;
    private readonly ConcurrentBag<Session> _sessions = [];
    private readonly Lock _writeLock = new();
    private volatile bool _disposed;

    /// <summary>Opens (creating if needed) the ledger database at <paramref name="path"/>.</summary>
    public SqliteContactLedger(string path, SqliteLedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _options = options ?? new SqliteLedgerOptions();
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling((_options.BusyTimeout ?? TimeSpan.FromSeconds(10)).TotalSeconds) + 5,
        }.ToString();
        _sessions.Add(new Session(this, createSchema: true));
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks)
    {
        var s = Rent();
        try
        {
            var count = s.Count(constraint, nowUtcTicks);
            long? pivot = null;
            if (constraint.MaxCount > 0 && count >= constraint.MaxCount)
            {
                pivot = s.NthOldest(constraint, nowUtcTicks, count - constraint.MaxCount + 1);
            }
            return new WindowUsage(count, pivot);
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> constraints, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(entry.CustomerId);
        ArgumentNullException.ThrowIfNull(entry.IdempotencyKey);
        ArgumentNullException.ThrowIfNull(entry.Channel);
        var s = Rent();
        try
        {
            // Cheap path: a read-only pre-check outside the write lock answers most denials concurrently (WAL
            // readers do not block each other or the writer). A denial here is only final when the key is new.
            for (var i = 0; i < constraints.Length; i++)
            {
                ref readonly var c = ref constraints[i];
                if (c.MaxCount <= 0 || s.Count(c, nowUtcTicks) >= c.MaxCount)
                {
                    if (s.Find(entry.CustomerId, entry.IdempotencyKey) is null)
                    {
                        return new LedgerReserveResult(LedgerReserveStatus.Denied, default, i, null);
                    }
                    break;
                }
            }
            lock (_writeLock)
            {
                s.Execute(s.BeginImmediate);
                var done = false;
                try
                {
                    var result = ReserveInTransaction(s, entry, constraints, nowUtcTicks);
                    s.Execute(result.Status == LedgerReserveStatus.Reserved ? s.CommitTx : s.RollbackTx);
                    done = true;
                    return result;
                }
                finally
                {
                    if (!done)
                    {
                        TryRollback(s);
                    }
                }
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public CommitOutcome Commit(string customerId, string idempotencyKey, object? handle, long nowUtcTicks)
    {
        var s = Rent();
        try
        {
            int changed;
            lock (_writeLock)
            {
                var cmd = s.CommitUpdate;
                cmd.Parameters[0].Value = customerId;
                cmd.Parameters[1].Value = idempotencyKey;
                cmd.Parameters[2].Value = nowUtcTicks;
                changed = cmd.ExecuteNonQuery();
            }
            if (changed == 1)
            {
                return CommitOutcome.Committed;
            }
            return s.Find(customerId, idempotencyKey) switch
            {
                null => CommitOutcome.NotFound,
                { IsCommitted: true } => CommitOutcome.AlreadyCommitted,
                _ => CommitOutcome.Expired,
            };
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public bool Release(string customerId, string idempotencyKey, object? handle)
    {
        var s = Rent();
        try
        {
            lock (_writeLock)
            {
                var cmd = s.ReleaseDelete;
                cmd.Parameters[0].Value = customerId;
                cmd.Parameters[1].Value = idempotencyKey;
                return cmd.ExecuteNonQuery() == 1;
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public void RecordEvent(string customerId, string eventName, long atUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(eventName);
        var s = Rent();
        try
        {
            lock (_writeLock)
            {
                var cmd = s.UpsertEvent;
                cmd.Parameters[0].Value = customerId;
                cmd.Parameters[1].Value = eventName;
                cmd.Parameters[2].Value = atUtcTicks;
                cmd.ExecuteNonQuery();
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public long? LastEvent(string customerId, string eventName)
    {
        var s = Rent();
        try
        {
            var cmd = s.SelectEvent;
            cmd.Parameters[0].Value = customerId;
            cmd.Parameters[1].Value = eventName;
            return cmd.ExecuteScalar() is long at ? at : null;
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public LedgerRecord? Find(string customerId, string idempotencyKey)
    {
        var s = Rent();
        try
        {
            return s.Find(customerId, idempotencyKey);
        }
        finally
        {
            Return(s);
        }
    }

    /// <summary>Retention: deletes committed contacts and events older than <paramref name="olderThan"/> and reservations expired before it.</summary>
    public int Prune(DateTimeOffset olderThan) => Prune(olderThan.UtcTicks, olderThan.UtcTicks);

    /// <inheritdoc />
    public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks)
    {
        var s = Rent();
        try
        {
            lock (_writeLock)
            {
                s.Execute(s.BeginImmediate);
                var done = false;
                try
                {
                    var cmd = s.PruneContacts;
                    cmd.Parameters[0].Value = olderThanUtcTicks;
                    cmd.Parameters[1].Value = expiredBeforeUtcTicks;
                    var removed = cmd.ExecuteNonQuery();
                    s.PruneEvents.Parameters[0].Value = olderThanUtcTicks;
                    removed += s.PruneEvents.ExecuteNonQuery();
                    s.Execute(s.CommitTx);
                    done = true;
                    return removed;
                }
                finally
                {
                    if (!done)
                    {
                        TryRollback(s);
                    }
                }
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <summary>Closes every connection.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_sessions.TryTake(out var s))
        {
            s.Dispose();
        }
    }

    private static LedgerReserveResult ReserveInTransaction(Session s, in LedgerEntry entry, ReadOnlySpan<CountConstraint> constraints, long now)
    {
        var existing = s.Find(entry.CustomerId, entry.IdempotencyKey);
        if (existing is { IsCommitted: true } committed)
        {
            return new LedgerReserveResult(LedgerReserveStatus.AlreadyCommitted, committed.Entry, -1, null);
        }
        if (existing is { } pending && pending.Entry.ExpiresUtcTicks > now)
        {
            return new LedgerReserveResult(LedgerReserveStatus.AlreadyReserved, pending.Entry, -1, null);
        }
        for (var i = 0; i < constraints.Length; i++)
        {
            ref readonly var c = ref constraints[i];
            if (c.MaxCount <= 0 || s.Count(c, now) >= c.MaxCount)
            {
                return new LedgerReserveResult(LedgerReserveStatus.Denied, default, i, null);
            }
        }
        if (existing is not null)
        {
            // An expired reservation under the same key is replaced.
            s.ReleaseDelete.Parameters[0].Value = entry.CustomerId;
            s.ReleaseDelete.Parameters[1].Value = entry.IdempotencyKey;
            s.ReleaseDelete.ExecuteNonQuery();
        }
        var cmd = s.Insert;
        cmd.Parameters[0].Value = entry.CustomerId;
        cmd.Parameters[1].Value = entry.IdempotencyKey;
        cmd.Parameters[2].Value = entry.Channel;
        cmd.Parameters[3].Value = (object?)entry.Offer ?? DBNull.Value;
        cmd.Parameters[4].Value = (object?)entry.Category ?? DBNull.Value;
        cmd.Parameters[5].Value = entry.Counted ? 1L : 0L;
        cmd.Parameters[6].Value = entry.AtUtcTicks;
        cmd.Parameters[7].Value = entry.ExpiresUtcTicks;
        cmd.Parameters[8].Value = (object?)entry.HouseholdId ?? DBNull.Value;
        cmd.ExecuteNonQuery();
        return new LedgerReserveResult(LedgerReserveStatus.Reserved, entry, -1, null);
    }

    private static void TryRollback(Session s)
    {
        try
        {
            s.Execute(s.RollbackTx);
        }
        catch (SqliteException)
        {
            // No transaction active (BEGIN itself failed): nothing to roll back.
        }
    }

    private Session Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sessions.TryTake(out var s) ? s : new Session(this);
    }

    private void Return(Session s)
    {
        if (_disposed)
        {
            s.Dispose();
        }
        else
        {
            _sessions.Add(s);
        }
    }

    /// <summary>One connection with its prepared statements; used by one thread at a time.</summary>
    private sealed class Session : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand?[] _count = new SqliteCommand?[64];
        private readonly SqliteCommand?[] _nth = new SqliteCommand?[64];
        private readonly SqliteCommand _find;

        public Session(SqliteContactLedger owner, bool createSchema = false)
        {
            _connection = new SqliteConnection(owner._connectionString);
            _connection.Open();
            var busyMs = (long)(owner._options.BusyTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
            // busy_timeout first, so that switching to WAL waits for other processes instead of failing.
            Run($"PRAGMA busy_timeout = {busyMs};");
            Run("PRAGMA journal_mode = WAL;");
            Run(owner._options.SynchronousFull ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            if (createSchema)
            {
                try
                {
                    CreateSchema();
                }
                catch
                {
                    _connection.Dispose();
                    throw;
                }
            }
            BeginImmediate = Prepare("BEGIN IMMEDIATE;");
            CommitTx = Prepare("COMMIT;");
            RollbackTx = Prepare("ROLLBACK;");
            _find = Prepare($"SELECT {Columns} FROM contacts WHERE customer = $c AND idem_key = $k;", "$c", "$k");
            Insert = Prepare($"INSERT INTO contacts ({Columns}) VALUES ($c, $k, $ch, $o, $cat, $counted, $at, $exp, 0, $hh);",
                "$c", "$k", "$ch", "$o", "$cat", "$counted", "$at", "$exp", "$hh");
            CommitUpdate = Prepare(
                $"UPDATE contacts SET state = 1, expires = {long.MaxValue} WHERE customer = $c AND idem_key = $k AND state = 0 AND expires > $now;",
                "$c", "$k", "$now");
            ReleaseDelete = Prepare("DELETE FROM contacts WHERE customer = $c AND idem_key = $k AND state = 0;", "$c", "$k");
            UpsertEvent = Prepare(
                "INSERT INTO events (customer, event, at) VALUES ($c, $e, $at) ON CONFLICT (customer, event) DO UPDATE SET at = max(at, excluded.at);",
                "$c", "$e", "$at");
            SelectEvent = Prepare("SELECT at FROM events WHERE customer = $c AND event = $e;", "$c", "$e");
            PruneContacts = Prepare(
                "DELETE FROM contacts WHERE (state = 1 AND at < $old) OR (state = 0 AND expires < $exp);", "$old", "$exp");
            PruneEvents = Prepare("DELETE FROM events WHERE at < $old;", "$old");
        }

        public SqliteCommand BeginImmediate { get; }
        public SqliteCommand CommitTx { get; }
        public SqliteCommand RollbackTx { get; }
        public SqliteCommand Insert { get; }
        public SqliteCommand CommitUpdate { get; }
        public SqliteCommand ReleaseDelete { get; }
        public SqliteCommand UpsertEvent { get; }
        public SqliteCommand SelectEvent { get; }
        public SqliteCommand PruneContacts { get; }
        public SqliteCommand PruneEvents { get; }

        public void CreateSchema()
        {
            Run("BEGIN IMMEDIATE;");
            try
            {
                Run("""
                    CREATE TABLE IF NOT EXISTS contacts (
                        id        INTEGER PRIMARY KEY,
                        customer  TEXT    NOT NULL,
                        idem_key  TEXT    NOT NULL,
                        channel   TEXT    NOT NULL,
                        offer     TEXT    NULL,
                        category  TEXT    NULL,
                        counted   INTEGER NOT NULL,   -- 0 for exempt contacts
                        at        INTEGER NOT NULL,   -- contact time, UTC ticks
                        expires   INTEGER NOT NULL,   -- pending: hold expiry (UTC ticks); committed: max int64
                        state     INTEGER NOT NULL,   -- 0 pending, 1 committed
                        household TEXT    NULL,       -- the customer's household id, when the host gave one
                        UNIQUE (customer, idem_key));
                    CREATE INDEX IF NOT EXISTS ix_contacts_customer_at ON contacts (customer, at);
                    CREATE INDEX IF NOT EXISTS ix_contacts_channel_at ON contacts (channel, at);
                    CREATE TABLE IF NOT EXISTS events (
                        customer  TEXT    NOT NULL,
                        event     TEXT    NOT NULL,
                        at        INTEGER NOT NULL,   -- latest occurrence, UTC ticks
                        PRIMARY KEY (customer, event));
                    """);
                Migrate();
                Run("CREATE INDEX IF NOT EXISTS ix_contacts_household_at ON contacts (household, at) WHERE household IS NOT NULL;");
                Run($"PRAGMA user_version = {SchemaVersion};");
                Run("COMMIT;");
            }
            catch
            {
                Run("ROLLBACK;");
                throw;
            }
        }

        /// <summary>
        /// Brings a database written by an older version up to <see cref="SchemaVersion"/> (inside the schema
        /// transaction). Version 1 had no household column: its contacts keep a null household, i.e. each counts for
        /// its own customer only. A database newer than this library is refused rather than misread.
        /// </summary>
        private void Migrate()
        {
            using var version = _connection.CreateCommand();
            version.CommandText = "PRAGMA user_version;";
            var current = (long)version.ExecuteScalar()!;
            if (current > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The ledger database has schema version {current}, newer than this library's {SchemaVersion}; update AccountabilityDsl.Runtime.");
            }
            using var columns = _connection.CreateCommand();
            columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('contacts') WHERE name = 'household';";
            if ((long)columns.ExecuteScalar()! == 0)
            {
                Run("ALTER TABLE contacts ADD COLUMN household TEXT NULL;");
            }
        }

        public void Execute(SqliteCommand cmd) => cmd.ExecuteNonQuery();

        public int Count(in CountConstraint c, long now)
        {
            var (shape, cmd) = Shaped(_count, c.Filter, "SELECT COUNT(*) FROM contacts WHERE ", "");
            Bind(cmd, shape, c, now);
            return (int)(long)cmd.ExecuteScalar()!;
        }

        public long? NthOldest(in CountConstraint c, long now, int n)
        {
            var (shape, cmd) = Shaped(_nth, c.Filter, "SELECT at FROM contacts WHERE ", " ORDER BY at LIMIT 1 OFFSET $skip");
            Bind(cmd, shape, c, now);
            cmd.Parameters["$skip"].Value = (long)(n - 1);
            return cmd.ExecuteScalar() is long at ? at : null;
        }

        public LedgerRecord? Find(string customerId, string key)
        {
            _find.Parameters[0].Value = customerId;
            _find.Parameters[1].Value = key;
            using var reader = _find.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }
            var entry = new LedgerEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5) != 0,
                reader.GetInt64(6),
                reader.GetInt64(7))
            {
                HouseholdId = reader.IsDBNull(9) ? null : reader.GetString(9),
            };
            return new LedgerRecord(entry, reader.GetInt64(8) == 1);
        }

        public void Dispose() => _connection.Dispose();

        private (int Shape, SqliteCommand Command) Shaped(SqliteCommand?[] cache, in ContactFilter f, string head, string tail)
        {
            var shape = (f.CustomerId is null ? 0 : 1) | (f.Channel is null ? 0 : 2) | (f.Offer is null ? 0 : 4) | (f.OffersOnly ? 8 : 0)
                | (f.HouseholdId is null ? 0 : 16) | (f.OfferSet is null ? 0 : 32);
            var cmd = cache[shape];
            if (cmd is null)
            {
                var sql = head + "counted = 1 AND at >= $from AND expires > $now"
                    + ((shape & 1) != 0 ? " AND customer = $customer" : "")
                    + ((shape & 2) != 0 ? " AND channel = $channel" : "")
                    + ((shape & 4) != 0 ? " AND offer = $offer" : "")
                    + ((shape & 8) != 0 ? " AND offer IS NOT NULL" : "")
                    + ((shape & 16) != 0 ? " AND household = $household" : "")
                    + ((shape & 32) != 0 ? " AND offer IN (SELECT value FROM json_each($offers))" : "")
                    + tail + ";";
                cmd = _connection.CreateCommand();
                cmd.CommandText = sql;
                cmd.Parameters.Add("$from", SqliteType.Integer);
                cmd.Parameters.Add("$now", SqliteType.Integer);
                cmd.Parameters.Add("$customer", SqliteType.Text);
                cmd.Parameters.Add("$channel", SqliteType.Text);
                cmd.Parameters.Add("$offer", SqliteType.Text);
                cmd.Parameters.Add("$household", SqliteType.Text);
                cmd.Parameters.Add("$offers", SqliteType.Text);
                if (tail.Length > 0)
                {
                    cmd.Parameters.Add("$skip", SqliteType.Integer);
                }
                // Unused parameters must still have a value to prepare.
                foreach (SqliteParameter p in cmd.Parameters)
                {
                    p.Value = DBNull.Value;
                }
                cmd.Prepare();
                cache[shape] = cmd;
            }
            return (shape, cmd);
        }

        private static void Bind(SqliteCommand cmd, int shape, in CountConstraint c, long now)
        {
            cmd.Parameters[0].Value = c.FromUtcTicks;
            cmd.Parameters[1].Value = now;
            cmd.Parameters[2].Value = (shape & 1) != 0 ? c.Filter.CustomerId : DBNull.Value;
            cmd.Parameters[3].Value = (shape & 2) != 0 ? c.Filter.Channel : DBNull.Value;
            cmd.Parameters[4].Value = (shape & 4) != 0 ? c.Filter.Offer : DBNull.Value;
            cmd.Parameters[5].Value = (shape & 16) != 0 ? c.Filter.HouseholdId : DBNull.Value;
            cmd.Parameters[6].Value = (shape & 32) != 0 ? System.Text.Json.JsonSerializer.Serialize(c.Filter.OfferSet) : DBNull.Value;
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (var p in parameters)
            {
                cmd.Parameters.Add(new SqliteParameter(p, DBNull.Value));
            }
            cmd.Prepare();
            return cmd;
        }

        private void Run(string sql)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }
}

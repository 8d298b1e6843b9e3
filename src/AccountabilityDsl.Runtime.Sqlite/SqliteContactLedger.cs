using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AccountabilityDsl.Runtime;

/// <summary>Options for <see cref="SqliteContactLedger"/>.</summary>
/// <param name="SynchronousFull">
/// True (default): <c>PRAGMA synchronous=FULL</c> — every committed transaction is fsynced to the WAL before the call
/// returns, so a committed contact survives power loss as well as a process crash. False: <c>synchronous=NORMAL</c>,
/// which in WAL mode survives process crashes but may lose the last transactions on power loss or OS crash.
/// </param>
/// <param name="BusyTimeout">
/// How long a write waits for another process holding the write lock (default 10 s). After it, the call fails with
/// <see cref="LedgerUnavailableException"/> and nothing is recorded.
/// </param>
/// <param name="VerifyOnOpen">
/// True: run <see cref="SqliteContactLedger.VerifyIntegrity"/> when opening and refuse a damaged ledger with
/// <see cref="LedgerSchemaException"/> (reads the whole file: seconds for millions of contacts).
/// </param>
public sealed record SqliteLedgerOptions(bool SynchronousFull = true, TimeSpan? BusyTimeout = null, bool VerifyOnOpen = false);

/// <summary>What <see cref="SqliteContactLedger.VerifyIntegrity"/> found.</summary>
/// <param name="Problems">Every problem found; empty when the ledger is intact.</param>
public sealed record LedgerIntegrityReport(IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool IsIntact => Problems.Count == 0;
}

/// <summary>
/// The durable <see cref="IContactLedger"/>: one SQLite database file in WAL journal mode, safe to share between
/// threads and between several processes on one machine. Each reservation is one <c>BEGIN IMMEDIATE</c> transaction
/// that counts every constraint and inserts the reservation, so the write lock makes check-and-insert atomic across
/// processes.
/// </summary>
/// <remarks>
/// <para><b>Schema.</b> The file carries <c>PRAGMA application_id</c> <see cref="ApplicationId"/> and
/// <c>PRAGMA user_version</c> <see cref="SchemaVersion"/>. Opening creates the schema in an empty file; a file with an
/// older version is refused until <see cref="Migrate"/> upgrades it (explicitly, never on open); a newer or foreign
/// file is refused with <see cref="LedgerSchemaException"/>. Opening an existing ledger takes no write lock.</para>
/// <para><b>Channel capacities</b> are counted from per-channel counters of committed contacts in 15-minute UTC
/// buckets plus the few pending reservations, so their cost does not grow with the period's volume.</para>
/// </remarks>
public sealed class SqliteContactLedger : IContactLedger
{
    /// <summary>The schema version this ledger reads and writes.</summary>
    public const int SchemaVersion = 2;

    /// <summary><c>PRAGMA application_id</c> of a contact ledger file ("OWNR").</summary>
    public const int ApplicationId = 0x4F574E52;

    /// <summary>Width of a channel counter bucket: every zone offset in use is a multiple of 15 minutes, so calendar periods start on a bucket boundary.</summary>
    internal const long BucketTicks = 15 * TimeSpan.TicksPerMinute;

    private const string Columns = "customer, idem_key, channel, offer, category, counted, at, expires, state, id, household";
    private const string EffectiveNow = "max($now, (SELECT high_water FROM ledger_clock))";
    private readonly string _connectionString;
    private readonly SqliteLedgerOptions _options;
    private readonly ConcurrentBag<Session> _sessions = [];
    private readonly Lock _writeLock = new();
    private volatile bool _disposed;

    /// <summary>Opens (creating the schema in a new or empty file) the ledger database at <paramref name="path"/>.</summary>
    /// <exception cref="LedgerSchemaException">The file holds an older (migrate first), newer or foreign schema, or fails the integrity check.</exception>
    public SqliteContactLedger(string path, SqliteLedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _options = options ?? new SqliteLedgerOptions();
        _connectionString = ConnectionString(path);
        var first = Guard(() => new Session(this, SchemaAction.CreateOrRequireCurrent));
        _sessions.Add(first);
        if (_options.VerifyOnOpen && VerifyIntegrity() is { IsIntact: false } report)
        {
            Dispose();
            throw new LedgerSchemaException($"The contact ledger '{path}' is damaged: {string.Join("; ", report.Problems)}", SchemaVersion, SchemaVersion);
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates the schema in a new file, or upgrades an older schema to <see cref="SchemaVersion"/> in one
    /// transaction. Returns the version found before (0 for a new file). Refuses a newer or foreign file.
    /// </summary>
    public static int Migrate(string path, SqliteLedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        var busy = (long)(options?.BusyTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
        Exec(connection, $"PRAGMA busy_timeout = {busy};");
        Exec(connection, "PRAGMA journal_mode = WAL;");
        Exec(connection, "BEGIN IMMEDIATE;");
        try
        {
            var found = InspectSchema(connection, path, allowOlder: true);
            if (found == 0)
            {
                CreateSchema(connection);
            }
            else if (found == 1)
            {
                MigrateFrom1(connection);
            }
            Exec(connection, "COMMIT;");
            return found;
        }
        catch
        {
            Exec(connection, "ROLLBACK;");
            throw;
        }
    }

    /// <summary>
    /// Checks the whole file: SQLite's <c>PRAGMA integrity_check</c> (every index against its table) and the channel
    /// counters against the contacts they count. A damaged ledger must not be used: it can give wrong counts.
    /// </summary>
    public LedgerIntegrityReport VerifyIntegrity()
    {
        var s = Rent();
        try
        {
            return s.VerifyIntegrity();
        }
        finally
        {
            Return(s);
        }
    }

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
    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false)
    {
        entry.Validate();
        var s = Rent();
        try
        {
            // Cheap path: a read-only pre-check outside the write lock answers most denials concurrently (WAL
            // readers do not block each other or the writer). A denial here is only final when the key is new.
            for (var i = 0; i < counts.Length; i++)
            {
                ref readonly var c = ref counts[i];
                if (c.MaxCount <= 0 || s.Count(c, nowUtcTicks) >= c.MaxCount)
                {
                    if (s.Find(entry.CustomerId, entry.IdempotencyKey) is null)
                    {
                        return new LedgerReserveResult(LedgerReserveStatus.Denied, default, i, 0);
                    }
                    break;
                }
            }
            var e = entry;
            var cs = counts.ToArray();
            var evs = events.ToArray();
            lock (_writeLock)
            {
                return InTransaction(s,
                    () => Reserve(s, e, cs, evs, nowUtcTicks, commit),
                    result => result.Status is LedgerReserveStatus.Reserved or LedgerReserveStatus.Recorded);
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks)
    {
        var s = Rent();
        try
        {
            var r = reservation;
            lock (_writeLock)
            {
                return InTransaction(s, () =>
                {
                    var now = s.AdvanceClock(nowUtcTicks);
                    if (s.CommitRow(r, now) is { } committed)
                    {
                        if (committed.Counted)
                        {
                            s.AddToBucket(committed.Channel, committed.At, 1);
                        }
                        return CommitOutcome.Committed;
                    }
                    return s.Find(r.CustomerId, r.IdempotencyKey) switch
                    {
                        null => CommitOutcome.NotFound,
                        { } found when found.ReservationId != r.ReservationId => CommitOutcome.Expired,
                        { IsCommitted: true } => CommitOutcome.AlreadyCommitted,
                        _ => CommitOutcome.Expired,
                    };
                }, _ => true);
            }
        }
        finally
        {
            Return(s);
        }
    }

    /// <inheritdoc />
    public bool Release(in ReservationRef reservation, long nowUtcTicks)
    {
        var s = Rent();
        try
        {
            lock (_writeLock)
            {
                var cmd = s.ReleaseDelete;
                cmd.Parameters[0].Value = reservation.CustomerId;
                cmd.Parameters[1].Value = reservation.IdempotencyKey;
                cmd.Parameters[2].Value = reservation.ReservationId;
                return Guard(() => cmd.ExecuteNonQuery()) == 1;
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
        LedgerText.Require(customerId, "customer id");
        LedgerText.Require(eventName, "event name");
        var s = Rent();
        try
        {
            lock (_writeLock)
            {
                var cmd = s.UpsertEvent;
                cmd.Parameters[0].Value = customerId;
                cmd.Parameters[1].Value = eventName;
                cmd.Parameters[2].Value = atUtcTicks;
                Guard(() => cmd.ExecuteNonQuery());
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
            return s.LastEvent(customerId, eventName);
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
                return InTransaction(s, () =>
                {
                    s.AdvanceClock(expiredBeforeUtcTicks);
                    return s.Prune(olderThanUtcTicks, expiredBeforeUtcTicks);
                }, _ => true);
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

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        // SQLite's own busy_timeout does the waiting; Microsoft.Data.Sqlite retries a busy statement on top of it
        // until this many seconds have passed, which doubled the documented wait. One second is its least value, and
        // the first busy_timeout wait already exceeds it, so no retry happens.
        DefaultTimeout = 1,
    }.ToString();

    /// <summary>Runs <paramref name="body"/> in a <c>BEGIN IMMEDIATE</c> transaction, committing when it says so, else rolling back.</summary>
    private static TResult InTransaction<TResult>(Session s, Func<TResult> body, Func<TResult, bool> commit)
    {
        return Guard(() =>
        {
            s.Execute(s.BeginImmediate);
            var done = false;
            try
            {
                var result = body();
                s.Execute(commit(result) ? s.CommitTx : s.RollbackTx);
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
        });
    }

    /// <summary>Turns SQLite's busy/locked errors into the typed, retryable <see cref="LedgerUnavailableException"/>.</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new LedgerUnavailableException(
                "The SQLite contact ledger is locked by another writer beyond its busy timeout; nothing was recorded, retry later.", e);
        }
    }

    private static LedgerReserveResult Reserve(Session s, in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit)
    {
        var now = s.AdvanceClock(nowUtcTicks);
        var existing = s.Find(entry.CustomerId, entry.IdempotencyKey);
        if (existing is { IsCommitted: true } committed)
        {
            return new LedgerReserveResult(LedgerReserveStatus.AlreadyCommitted, committed.Entry, -1, committed.ReservationId);
        }
        if (existing is { } pending && pending.Entry.ExpiresUtcTicks > now)
        {
            return new LedgerReserveResult(LedgerReserveStatus.AlreadyReserved, pending.Entry, -1, pending.ReservationId);
        }
        for (var i = 0; i < counts.Length; i++)
        {
            ref readonly var c = ref counts[i];
            if (c.MaxCount <= 0 || s.Count(c, now) >= c.MaxCount)
            {
                return new LedgerReserveResult(LedgerReserveStatus.Denied, default, i, 0);
            }
        }
        for (var j = 0; j < events.Length; j++)
        {
            ref readonly var ev = ref events[j];
            if (s.LastEvent(ev.CustomerId, ev.EventName) is { } at && at >= ev.FromUtcTicks)
            {
                return new LedgerReserveResult(LedgerReserveStatus.Denied, default, counts.Length + j, 0);
            }
        }
        if (existing is { } expired)
        {
            // An expired reservation under the same key is replaced (its id dies with it).
            var release = s.ReleaseDelete;
            release.Parameters[0].Value = entry.CustomerId;
            release.Parameters[1].Value = entry.IdempotencyKey;
            release.Parameters[2].Value = expired.ReservationId;
            release.ExecuteNonQuery();
        }
        var id = s.Insert(entry, commit);
        if (commit && entry.Counted)
        {
            s.AddToBucket(entry.Channel, entry.AtUtcTicks, 1);
        }
        return new LedgerReserveResult(commit ? LedgerReserveStatus.Recorded : LedgerReserveStatus.Reserved,
            commit ? entry with { ExpiresUtcTicks = long.MaxValue } : entry, -1, id);
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
        return _sessions.TryTake(out var s) ? s : Guard(() => new Session(this, SchemaAction.None));
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

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() is long value ? value : 0;
    }

    /// <summary>
    /// The schema version of the file: 0 when it is empty (no tables), else its <c>user_version</c>. Throws
    /// <see cref="LedgerSchemaException"/> for a foreign file, a newer version, or (unless <paramref name="allowOlder"/>)
    /// an older one.
    /// </summary>
    private static int InspectSchema(SqliteConnection connection, string path, bool allowOlder)
    {
        var tables = Scalar(connection, "SELECT count(*) FROM sqlite_master;");
        if (tables == 0)
        {
            return 0;
        }
        var version = (int)Scalar(connection, "PRAGMA user_version;");
        var applicationId = Scalar(connection, "PRAGMA application_id;");
        // Version 1 files carried no application id; they are recognised by their contacts table.
        var isLedger = applicationId == ApplicationId
            || (applicationId == 0 && version == 1 && Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'contacts';") == 1);
        if (!isLedger)
        {
            throw new LedgerSchemaException(
                $"'{path}' is not a contact ledger (application id {applicationId}, schema version {version}); refusing to use it.", null, SchemaVersion);
        }
        if (version > SchemaVersion)
        {
            throw new LedgerSchemaException(
                $"The contact ledger '{path}' has schema version {version}, newer than version {SchemaVersion} that this AccountabilityDsl.Runtime.Sqlite reads; upgrade the package.", version, SchemaVersion);
        }
        if (version < SchemaVersion && !allowOlder)
        {
            throw new LedgerSchemaException(
                $"The contact ledger '{path}' has schema version {version}, older than version {SchemaVersion}; migrate it first (SqliteContactLedger.Migrate or `ownerc ledger migrate --sqlite {path}`).", version, SchemaVersion);
        }
        return version;
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        Exec(connection, """
            CREATE TABLE contacts (
                id        INTEGER PRIMARY KEY AUTOINCREMENT, -- the reservation id, never reused
                customer  TEXT    NOT NULL,
                idem_key  TEXT    NOT NULL,
                channel   TEXT    NOT NULL,
                offer     TEXT    NULL,
                category  TEXT    NULL,
                household TEXT    NULL,
                counted   INTEGER NOT NULL,   -- 0 for exempt contacts
                at        INTEGER NOT NULL,   -- contact time, UTC ticks
                expires   INTEGER NOT NULL,   -- pending: hold expiry (UTC ticks); committed: max int64
                state     INTEGER NOT NULL,   -- 0 pending, 1 committed
                UNIQUE (customer, idem_key));
            CREATE INDEX ix_contacts_customer_at ON contacts (customer, at);
            CREATE INDEX ix_contacts_channel_at ON contacts (channel, at);
            CREATE INDEX ix_contacts_household_at ON contacts (household, at) WHERE household IS NOT NULL;
            CREATE INDEX ix_contacts_pending ON contacts (channel, at) WHERE state = 0;
            CREATE TABLE events (
                customer  TEXT    NOT NULL,
                event     TEXT    NOT NULL,
                at        INTEGER NOT NULL,   -- latest occurrence, UTC ticks
                PRIMARY KEY (customer, event));
            -- Committed, counted contacts per channel per 15-minute UTC bucket (bucket = at / BucketTicks).
            CREATE TABLE channel_buckets (
                channel   TEXT    NOT NULL,
                bucket    INTEGER NOT NULL,
                n         INTEGER NOT NULL,
                PRIMARY KEY (channel, bucket)) WITHOUT ROWID;
            -- The ledger's high-water time: expiry is judged against max(caller's now, high_water).
            CREATE TABLE ledger_clock (
                id         INTEGER PRIMARY KEY CHECK (id = 1),
                high_water INTEGER NOT NULL);
            INSERT INTO ledger_clock (id, high_water) VALUES (1, -9223372036854775808);
            """);
        Exec(connection, $"PRAGMA application_id = {ApplicationId};");
        Exec(connection, $"PRAGMA user_version = {SchemaVersion};");
    }

    /// <summary>Version 1 → 2: reservation ids that are never reused, households, channel counters, the ledger clock.</summary>
    private static void MigrateFrom1(SqliteConnection connection)
    {
        Exec(connection, "ALTER TABLE contacts RENAME TO contacts_v1; DROP INDEX IF EXISTS ix_contacts_customer_at; DROP INDEX IF EXISTS ix_contacts_channel_at; ALTER TABLE events RENAME TO events_v1;");
        CreateSchema(connection);
        Exec(connection, $"""
            INSERT INTO contacts (id, customer, idem_key, channel, offer, category, household, counted, at, expires, state)
                SELECT id, customer, idem_key, channel, offer, category, NULL, counted, at, expires, state FROM contacts_v1;
            INSERT INTO events (customer, event, at) SELECT customer, event, at FROM events_v1;
            INSERT INTO channel_buckets (channel, bucket, n)
                SELECT channel, at / {BucketTicks}, count(*) FROM contacts WHERE state = 1 AND counted = 1 GROUP BY channel, at / {BucketTicks};
            DROP TABLE contacts_v1;
            DROP TABLE events_v1;
            """);
    }

    private enum SchemaAction
    {
        None,
        CreateOrRequireCurrent,
    }

    /// <summary>One connection with its prepared statements; used by one thread at a time.</summary>
    private sealed class Session : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand?[] _count = new SqliteCommand?[64];
        private readonly SqliteCommand?[] _nth = new SqliteCommand?[64];
        private readonly SqliteCommand _find;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _commitUpdate;
        private readonly SqliteCommand _advanceClock;
        private readonly SqliteCommand _addToBucket;
        private readonly SqliteCommand _selectEvent;
        private readonly SqliteCommand _bucketSum;
        private readonly SqliteCommand _channelHead;
        private readonly SqliteCommand _channelPending;

        public Session(SqliteContactLedger owner, SchemaAction schema)
        {
            _connection = new SqliteConnection(owner._connectionString);
            try
            {
                _connection.Open();
                var busyMs = (long)(owner._options.BusyTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
                Exec(_connection, $"PRAGMA busy_timeout = {busyMs};");
                Exec(_connection, owner._options.SynchronousFull ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
                if (schema == SchemaAction.CreateOrRequireCurrent)
                {
                    EnsureSchema(owner.Path);
                }
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
            BeginImmediate = Prepare("BEGIN IMMEDIATE;");
            CommitTx = Prepare("COMMIT;");
            RollbackTx = Prepare("ROLLBACK;");
            _find = Prepare($"SELECT {Columns} FROM contacts WHERE customer = $c AND idem_key = $k;", "$c", "$k");
            _insert = Prepare($"INSERT INTO contacts (customer, idem_key, channel, offer, category, household, counted, at, expires, state) VALUES ($c, $k, $ch, $o, $cat, $h, $counted, $at, $exp, $state) RETURNING id;",
                "$c", "$k", "$ch", "$o", "$cat", "$h", "$counted", "$at", "$exp", "$state");
            _commitUpdate = Prepare(
                $"UPDATE contacts SET state = 1, expires = {long.MaxValue} WHERE id = $id AND customer = $c AND idem_key = $k AND state = 0 AND expires > $now RETURNING channel, at, counted;",
                "$id", "$c", "$k", "$now");
            _advanceClock = Prepare("UPDATE ledger_clock SET high_water = max(high_water, $now) WHERE id = 1 RETURNING high_water;", "$now");
            _addToBucket = Prepare(
                "INSERT INTO channel_buckets (channel, bucket, n) VALUES ($ch, $b, $d) ON CONFLICT (channel, bucket) DO UPDATE SET n = n + excluded.n;",
                "$ch", "$b", "$d");
            ReleaseDelete = Prepare("DELETE FROM contacts WHERE customer = $c AND idem_key = $k AND id = $id AND state = 0;", "$c", "$k", "$id");
            UpsertEvent = Prepare(
                "INSERT INTO events (customer, event, at) VALUES ($c, $e, $at) ON CONFLICT (customer, event) DO UPDATE SET at = max(at, excluded.at);",
                "$c", "$e", "$at");
            _selectEvent = Prepare("SELECT at FROM events WHERE customer = $c AND event = $e;", "$c", "$e");
            _bucketSum = Prepare("SELECT coalesce(sum(n), 0) FROM channel_buckets WHERE channel = $ch AND bucket >= $b;", "$ch", "$b");
            _channelHead = Prepare("SELECT count(*) FROM contacts WHERE channel = $ch AND at >= $from AND at < $to AND state = 1 AND counted = 1;", "$ch", "$from", "$to");
            _channelPending = Prepare(
                $"SELECT count(*) FROM contacts WHERE channel = $ch AND state = 0 AND at >= $from AND counted = 1 AND expires > {EffectiveNow};",
                "$ch", "$from", "$now");
        }

        public SqliteCommand BeginImmediate { get; }
        public SqliteCommand CommitTx { get; }
        public SqliteCommand RollbackTx { get; }
        public SqliteCommand ReleaseDelete { get; }
        public SqliteCommand UpsertEvent { get; }

        public void Execute(SqliteCommand cmd) => cmd.ExecuteNonQuery();

        /// <summary>Moves the ledger's high-water time forward (inside a write transaction); returns the ledger's time.</summary>
        public long AdvanceClock(long now)
        {
            _advanceClock.Parameters[0].Value = now;
            return (long)_advanceClock.ExecuteScalar()!;
        }

        public long Insert(in LedgerEntry entry, bool committed)
        {
            var cmd = _insert;
            cmd.Parameters[0].Value = entry.CustomerId;
            cmd.Parameters[1].Value = entry.IdempotencyKey;
            cmd.Parameters[2].Value = entry.Channel;
            cmd.Parameters[3].Value = (object?)entry.Offer ?? DBNull.Value;
            cmd.Parameters[4].Value = (object?)entry.Category ?? DBNull.Value;
            cmd.Parameters[5].Value = (object?)entry.HouseholdId ?? DBNull.Value;
            cmd.Parameters[6].Value = entry.Counted ? 1L : 0L;
            cmd.Parameters[7].Value = entry.AtUtcTicks;
            cmd.Parameters[8].Value = committed ? long.MaxValue : entry.ExpiresUtcTicks;
            cmd.Parameters[9].Value = committed ? 1L : 0L;
            return (long)cmd.ExecuteScalar()!;
        }

        /// <summary>Commits the row when it is this pending, unexpired reservation; returns its channel, time and whether it counts, or null.</summary>
        public (string Channel, long At, bool Counted)? CommitRow(in ReservationRef reservation, long now)
        {
            var cmd = _commitUpdate;
            cmd.Parameters[0].Value = reservation.ReservationId;
            cmd.Parameters[1].Value = reservation.CustomerId;
            cmd.Parameters[2].Value = reservation.IdempotencyKey;
            cmd.Parameters[3].Value = now;
            using var reader = cmd.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2) != 0) : null;
        }

        public void AddToBucket(string channel, long at, long delta)
        {
            _addToBucket.Parameters[0].Value = channel;
            _addToBucket.Parameters[1].Value = at / BucketTicks;
            _addToBucket.Parameters[2].Value = delta;
            _addToBucket.ExecuteNonQuery();
        }

        public long? LastEvent(string customerId, string eventName)
        {
            _selectEvent.Parameters[0].Value = customerId;
            _selectEvent.Parameters[1].Value = eventName;
            return _selectEvent.ExecuteScalar() is long at ? at : null;
        }

        public int Count(in CountConstraint c, long now)
        {
            var f = c.Filter;
            if (f.CustomerId is null && f.Channel is not null && f.Offer is null && !f.OffersOnly && f.OfferIn is null && f.HouseholdId is null)
            {
                return ChannelCount(f.Channel, c.FromUtcTicks, now);
            }
            var (shape, cmd) = Shaped(_count, f, "SELECT COUNT(*) FROM contacts WHERE ", "");
            Bind(cmd, shape, c, now);
            return (int)(long)cmd.ExecuteScalar()!;
        }

        /// <summary>
        /// A channel capacity's count without reading the period's contacts: the committed ones from the bucket
        /// counters (whole buckets from the first bucket boundary at or after <paramref name="from"/>, the part of a
        /// bucket before it from the contacts), plus the pending reservations.
        /// </summary>
        private int ChannelCount(string channel, long from, long now)
        {
            var firstWhole = from <= 0 ? from / BucketTicks : (from + BucketTicks - 1) / BucketTicks;
            _bucketSum.Parameters[0].Value = channel;
            _bucketSum.Parameters[1].Value = firstWhole;
            var count = (long)_bucketSum.ExecuteScalar()!;
            var wholeFrom = firstWhole * BucketTicks;
            if (wholeFrom > from)
            {
                _channelHead.Parameters[0].Value = channel;
                _channelHead.Parameters[1].Value = from;
                _channelHead.Parameters[2].Value = wholeFrom;
                count += (long)_channelHead.ExecuteScalar()!;
            }
            _channelPending.Parameters[0].Value = channel;
            _channelPending.Parameters[1].Value = from;
            _channelPending.Parameters[2].Value = now;
            count += (long)_channelPending.ExecuteScalar()!;
            return (int)count;
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
            { HouseholdId = reader.IsDBNull(10) ? null : reader.GetString(10) };
            return new LedgerRecord(entry, reader.GetInt64(8) == 1, reader.GetInt64(9));
        }

        public int Prune(long olderThan, long expiredBefore)
        {
            using var cmd = _connection.CreateCommand();
            cmd.Parameters.AddWithValue("$old", olderThan);
            cmd.Parameters.AddWithValue("$exp", expiredBefore);
            cmd.Parameters.AddWithValue("$b", olderThan / BucketTicks);
            cmd.CommandText = "DELETE FROM contacts WHERE (state = 1 AND at < $old) OR (state = 0 AND expires < $exp);";
            var removed = cmd.ExecuteNonQuery();
            cmd.CommandText = "DELETE FROM events WHERE at < $old;";
            removed += cmd.ExecuteNonQuery();
            // Counters: whole buckets before the cut go; the bucket the cut falls in is recounted.
            cmd.CommandText = $"""
                DELETE FROM channel_buckets WHERE bucket < $b;
                UPDATE channel_buckets SET n = (SELECT count(*) FROM contacts c
                    WHERE c.channel = channel_buckets.channel AND c.state = 1 AND c.counted = 1
                      AND c.at >= $b * {BucketTicks} AND c.at < ($b + 1) * {BucketTicks})
                  WHERE bucket = $b;
                """;
            cmd.ExecuteNonQuery();
            return removed;
        }

        public LedgerIntegrityReport VerifyIntegrity()
        {
            var problems = new List<string>();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.CommandText = "PRAGMA integrity_check;";
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    var line = reader.GetString(0);
                    if (line != "ok")
                    {
                        problems.Add(line);
                    }
                }
            }
            if (problems.Count == 0)
            {
                // The counters must equal the contacts they count (read through the table, not an index).
                using var cmd = _connection.CreateCommand();
                cmd.CommandText = $"""
                    WITH actual AS (
                        SELECT channel, at / {BucketTicks} AS bucket, count(*) AS n FROM contacts NOT INDEXED
                        WHERE state = 1 AND counted = 1 GROUP BY channel, at / {BucketTicks})
                    SELECT coalesce(a.channel, b.channel), coalesce(a.bucket, b.bucket), coalesce(a.n, 0), coalesce(b.n, 0)
                    FROM actual a FULL OUTER JOIN channel_buckets b ON a.channel = b.channel AND a.bucket = b.bucket
                    WHERE coalesce(a.n, 0) <> coalesce(b.n, 0) LIMIT 20;
                    """;
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    problems.Add($"channel counter {reader.GetString(0)}@{reader.GetInt64(1)} says {reader.GetInt64(3)} contacts, the table has {reader.GetInt64(2)}");
                }
            }
            return new LedgerIntegrityReport(problems);
        }

        public void Dispose() => _connection.Dispose();

        /// <summary>
        /// Checks the schema without a write lock; only an empty file takes the write lock, to create the schema
        /// (checking again under the lock: another process may have created it meanwhile).
        /// </summary>
        private void EnsureSchema(string path)
        {
            if (InspectSchema(_connection, path, allowOlder: false) == SchemaVersion)
            {
                if (!string.Equals(ScalarText("PRAGMA journal_mode;"), "wal", StringComparison.OrdinalIgnoreCase))
                {
                    Exec(_connection, "PRAGMA journal_mode = WAL;");
                }
                return;
            }
            // busy_timeout is set, so switching to WAL waits for other processes instead of failing.
            Exec(_connection, "PRAGMA journal_mode = WAL;");
            Exec(_connection, "BEGIN IMMEDIATE;");
            try
            {
                if (InspectSchema(_connection, path, allowOlder: false) == 0)
                {
                    CreateSchema(_connection);
                }
                Exec(_connection, "COMMIT;");
            }
            catch
            {
                Exec(_connection, "ROLLBACK;");
                throw;
            }
        }

        private string? ScalarText(string sql)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar() as string;
        }

        private (int Shape, SqliteCommand Command) Shaped(SqliteCommand?[] cache, in ContactFilter f, string head, string tail)
        {
            var shape = (f.CustomerId is null ? 0 : 1) | (f.Channel is null ? 0 : 2) | (f.Offer is null ? 0 : 4) | (f.OffersOnly ? 8 : 0)
                | (f.HouseholdId is null ? 0 : 16) | (f.OfferIn is null ? 0 : 32);
            var cmd = cache[shape];
            if (cmd is null)
            {
                var sql = head + $"counted = 1 AND at >= $from AND expires > {EffectiveNow}"
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
            cmd.Parameters[6].Value = (shape & 32) != 0 ? JsonSerializer.Serialize(c.Filter.OfferIn) : DBNull.Value;
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
    }
}

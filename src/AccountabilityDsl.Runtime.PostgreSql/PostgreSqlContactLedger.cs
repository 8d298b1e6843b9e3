using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AccountabilityDsl.Runtime.PostgreSql;

/// <summary>Options for <see cref="PostgreSqlContactLedger"/>.</summary>
/// <param name="Schema">The PostgreSQL schema (namespace) holding the ledger (default <c>contact_ledger</c>).</param>
/// <param name="CreateIfMissing">
/// True: when the database has no ledger schema at all, create it on open (handy for tests and single-user tools).
/// An existing schema of another version is never migrated on open, whatever this says.
/// </param>
/// <param name="PruneBatchSize">Rows deleted per retention transaction (default 5,000), so pruning never holds long locks.</param>
public sealed record PostgreSqlLedgerOptions(
    string Schema = PostgreSqlLedgerSchema.DefaultSchema,
    bool CreateIfMissing = false,
    int PruneBatchSize = 5000);

/// <summary>
/// An <see cref="IContactLedger"/> in PostgreSQL: one contact record shared by every process on every machine that
/// reaches the server. Reserve and commit are each ONE round trip (a server-side function in one transaction); the
/// locking design is described on <see cref="PostgreSqlLedgerSchema"/> and in docs/runtime.md. The schema must exist
/// at the version this library reads (<c>ownerc ledger migrate --postgres</c>); otherwise opening throws
/// <see cref="LedgerSchemaException"/>. A lost connection or a restarting server surfaces as
/// <see cref="LedgerUnavailableException"/>, which is retryable because every call is idempotent.
/// </summary>
public sealed class PostgreSqlContactLedger : IContactLedger
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlLedgerOptions _options;
    private readonly string _reserveSql;
    private readonly string _commitSql;
    private readonly string _releaseSql;
    private readonly string _measureSql;
    private readonly string _findSql;
    private readonly string _eventSql;
    private readonly string _lastEventSql;
    private readonly string _pruneSql;
    private volatile bool _disposed;

    /// <summary>Opens the ledger in the database <paramref name="connectionString"/> names.</summary>
    public PostgreSqlContactLedger(string connectionString, PostgreSqlLedgerOptions? options = null)
        : this(BuildDataSource(connectionString), options, ownsDataSource: true)
    {
    }

    /// <summary>Opens the ledger through an existing data source (not disposed with the ledger).</summary>
    public PostgreSqlContactLedger(NpgsqlDataSource dataSource, PostgreSqlLedgerOptions? options = null)
        : this(dataSource, options, ownsDataSource: false)
    {
    }

    private PostgreSqlContactLedger(NpgsqlDataSource dataSource, PostgreSqlLedgerOptions? options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options ?? new PostgreSqlLedgerOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.Schema, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PruneBatchSize, 1, nameof(options));
        var s = PostgreSqlLedgerSchema.Quote(_options.Schema);
        _reserveSql = $"SELECT * FROM {s}.reserve($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23);";
        _commitSql = $"SELECT {s}.commit($1, $2, $3, $4);";
        _releaseSql = $"SELECT {s}.release($1, $2, $3);";
        _measureSql = $"SELECT u, CASE WHEN $9 > 0 AND u >= $9 THEN {s}.nth_oldest($1, $2, $3, $4, $5, $6, $7, now_eff, u - $9 + 1) END FROM (SELECT {s}.usage($1, $2, $3, $4, $5, $6, $7, now_eff) AS u, now_eff FROM (SELECT {s}.ledger_now($8) AS now_eff) n) x;";
        _findSql = $"SELECT channel, offer, category, counted, at, expires, committed, household, id FROM {s}.contacts WHERE customer = $1 AND idem_key = $2;";
        _eventSql = $"INSERT INTO {s}.events AS e (customer, event, at) VALUES ($1, $2, $3) ON CONFLICT (customer, event) DO UPDATE SET at = greatest(e.at, excluded.at);";
        _lastEventSql = $"SELECT at FROM {s}.events WHERE customer = $1 AND event = $2;";
        _pruneSql = $"SELECT {s}.prune_batch($1, $2, $3);";
        try
        {
            Open();
        }
        catch
        {
            if (_ownsDataSource)
            {
                _dataSource.Dispose();
            }
            throw;
        }
    }

    /// <summary>The PostgreSQL schema holding the ledger.</summary>
    public string Schema => _options.Schema;

    /// <inheritdoc />
    public WindowUsage Measure(in CountConstraint constraint, long nowUtcTicks)
    {
        var c = constraint;
        ValidateFilter(c.Filter);
        return Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_measureSql, conn);
            AddMeasureParameters(cmd.Parameters, c, nowUtcTicks);
            using var reader = cmd.ExecuteReader();
            return ReadUsage(reader);
        });
    }

    /// <inheritdoc />
    /// <remarks>One round trip for all the constraints (an <see cref="NpgsqlBatch"/> of the <see cref="Measure"/> query).</remarks>
    public void MeasureEachIfAtCap(ReadOnlySpan<CountConstraint> constraints, Span<WindowUsage?> usages, long nowUtcTicks)
    {
        if (constraints.IsEmpty)
        {
            return;
        }
        foreach (var c in constraints)
        {
            ValidateFilter(c.Filter);
        }
        var asked = constraints.ToArray();
        var measured = Run(conn =>
        {
            using var batch = new NpgsqlBatch(conn);
            foreach (var c in asked)
            {
                var command = new NpgsqlBatchCommand(_measureSql);
                AddMeasureParameters(command.Parameters, c, nowUtcTicks);
                batch.BatchCommands.Add(command);
            }
            using var reader = batch.ExecuteReader();
            var results = new WindowUsage[asked.Length];
            for (var i = 0; i < asked.Length; i++)
            {
                if (i > 0)
                {
                    reader.NextResult();
                }
                results[i] = ReadUsage(reader);
            }
            return results;
        });
        for (var i = 0; i < asked.Length; i++)
        {
            usages[i] = measured[i].Count < asked[i].MaxCount ? null : measured[i];
        }
    }

    private static void AddMeasureParameters(NpgsqlParameterCollection parameters, in CountConstraint c, long nowUtcTicks)
    {
        parameters.Add(Text(c.Filter.CustomerId));
        parameters.Add(Text(c.Filter.Channel));
        parameters.Add(Text(c.Filter.Offer));
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = c.Filter.OffersOnly });
        parameters.Add(new NpgsqlParameter { Value = c.Filter.OfferIn is { } group ? group.ToArray() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(Text(c.Filter.HouseholdId));
        parameters.Add(Int8(c.FromUtcTicks));
        parameters.Add(Int8(nowUtcTicks));
        parameters.Add(Int8(c.MaxCount));
    }

    /// <summary>The (count, pivot) row of the measure query.</summary>
    private static WindowUsage ReadUsage(NpgsqlDataReader reader)
    {
        reader.Read();
        var count = reader.GetInt64(0);
        long? pivot = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        return new WindowUsage((int)Math.Min(count, int.MaxValue), pivot);
    }

    /// <inheritdoc />
    public LedgerReserveResult TryReserve(in LedgerEntry entry, ReadOnlySpan<CountConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowUtcTicks, bool commit = false)
    {
        entry.Validate();
        RequireText(entry.CustomerId, "customer id");
        RequireText(entry.IdempotencyKey, "idempotency key");
        RequireText(entry.Channel, "channel");
        RequireOptionalText(entry.Offer, "offer");
        RequireOptionalText(entry.Category, "category");
        RequireOptionalText(entry.HouseholdId, "household id");
        ValidateTime(entry.AtUtcTicks, nameof(entry.AtUtcTicks));
        ValidateTime(entry.ExpiresUtcTicks, nameof(entry.ExpiresUtcTicks));
        ValidateTime(nowUtcTicks, nameof(nowUtcTicks));
        var n = counts.Length;
        var call = new ReserveArguments(entry, nowUtcTicks, commit,
            new string?[n], new string?[n], new string?[n], new bool[n], new string?[n], new string?[n], new long[n], new int[n],
            new string[events.Length], new string[events.Length], new long[events.Length]);
        for (var i = 0; i < n; i++)
        {
            var f = counts[i].Filter;
            ValidateFilter(f);
            call.Customers[i] = f.CustomerId;
            call.Channels[i] = f.Channel;
            call.Offers[i] = f.Offer;
            call.OffersOnly[i] = f.OffersOnly;
            call.OfferGroups[i] = f.OfferIn is { } group ? JsonSerializer.Serialize(group) : null;
            call.Households[i] = f.HouseholdId;
            call.Froms[i] = counts[i].FromUtcTicks;
            call.Maxes[i] = counts[i].MaxCount;
        }
        for (var j = 0; j < events.Length; j++)
        {
            RequireText(events[j].CustomerId, "event constraint customer id");
            RequireText(events[j].EventName, "event name");
            call.EventCustomers[j] = events[j].CustomerId;
            call.EventNames[j] = events[j].EventName;
            call.EventFroms[j] = events[j].FromUtcTicks;
        }
        var result = ReserveCall(call, exclusive: false);
        if (result.Status == Contended)
        {
            // Near a channel cap: decide with every stripe held (the rare, exact path).
            result = ReserveCall(call, exclusive: true);
        }
        var e = entry;
        return result.Status switch
        {
            0 => new LedgerReserveResult(LedgerReserveStatus.Reserved, e, -1, result.Id),
            5 => new LedgerReserveResult(LedgerReserveStatus.Recorded, e with { ExpiresUtcTicks = long.MaxValue }, -1, result.Id),
            1 => new LedgerReserveResult(LedgerReserveStatus.AlreadyReserved, result.Entry(e), -1, result.Id),
            2 => new LedgerReserveResult(LedgerReserveStatus.AlreadyCommitted, result.Entry(e), -1, result.Id),
            3 => new LedgerReserveResult(LedgerReserveStatus.Denied, default, result.Denied, 0),
            _ => throw new InvalidOperationException($"unexpected reserve status {result.Status}"),
        };
    }

    /// <inheritdoc />
    public CommitOutcome Commit(in ReservationRef reservation, long nowUtcTicks)
    {
        var r = reservation;
        RequireText(r.CustomerId, "customer id");
        RequireText(r.IdempotencyKey, "idempotency key");
        ValidateTime(nowUtcTicks, nameof(nowUtcTicks));
        return Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_commitSql, conn);
            cmd.Parameters.Add(Text(r.CustomerId));
            cmd.Parameters.Add(Text(r.IdempotencyKey));
            cmd.Parameters.Add(Int8(r.ReservationId));
            cmd.Parameters.Add(Int8(nowUtcTicks));
            return (int)cmd.ExecuteScalar()! switch
            {
                0 => CommitOutcome.Committed,
                1 => CommitOutcome.AlreadyCommitted,
                2 => CommitOutcome.Expired,
                _ => CommitOutcome.NotFound,
            };
        });
    }

    /// <inheritdoc />
    public bool Release(in ReservationRef reservation, long nowUtcTicks)
    {
        var r = reservation;
        RequireText(r.CustomerId, "customer id");
        RequireText(r.IdempotencyKey, "idempotency key");
        return Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_releaseSql, conn);
            cmd.Parameters.Add(Text(r.CustomerId));
            cmd.Parameters.Add(Text(r.IdempotencyKey));
            cmd.Parameters.Add(Int8(r.ReservationId));
            return (bool)cmd.ExecuteScalar()!;
        });
    }

    /// <inheritdoc />
    public void RecordEvent(string customerId, string eventName, long atUtcTicks)
    {
        RequireText(customerId, "customer id");
        RequireText(eventName, "event name");
        ValidateTime(atUtcTicks, nameof(atUtcTicks));
        Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_eventSql, conn);
            cmd.Parameters.Add(Text(customerId));
            cmd.Parameters.Add(Text(eventName));
            cmd.Parameters.Add(Int8(atUtcTicks));
            return cmd.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public long? LastEvent(string customerId, string eventName)
    {
        if (!Storable(customerId) || !Storable(eventName))
        {
            return null;
        }
        return Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_lastEventSql, conn);
            cmd.Parameters.Add(Text(customerId));
            cmd.Parameters.Add(Text(eventName));
            return cmd.ExecuteScalar() is long at ? at : (long?)null;
        });
    }

    /// <inheritdoc />
    public LedgerRecord? Find(string customerId, string idempotencyKey)
    {
        if (!Storable(customerId) || !Storable(idempotencyKey))
        {
            // Such a text is refused by every write, so nothing can be stored under it.
            return null;
        }
        return Run(conn =>
        {
            using var cmd = new NpgsqlCommand(_findSql, conn);
            cmd.Parameters.Add(Text(customerId));
            cmd.Parameters.Add(Text(idempotencyKey));
            using var reader = cmd.ExecuteReader();
            if (!reader.Read())
            {
                return (LedgerRecord?)null;
            }
            var entry = new LedgerEntry(customerId, idempotencyKey, reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetBoolean(3), reader.GetInt64(4), reader.GetInt64(5))
            { HouseholdId = reader.IsDBNull(7) ? null : reader.GetString(7) };
            return new LedgerRecord(entry, reader.GetBoolean(6), reader.GetInt64(8));
        });
    }

    /// <inheritdoc />
    /// <remarks>Runs in transactions of at most <see cref="PostgreSqlLedgerOptions.PruneBatchSize"/> rows each.</remarks>
    public int Prune(long olderThanUtcTicks, long expiredBeforeUtcTicks)
    {
        var total = 0;
        while (true)
        {
            var removed = Run(conn =>
            {
                using var cmd = new NpgsqlCommand(_pruneSql, conn);
                cmd.Parameters.Add(Int8(olderThanUtcTicks));
                cmd.Parameters.Add(Int8(expiredBeforeUtcTicks));
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.PruneBatchSize });
                return (int)cmd.ExecuteScalar()!;
            });
            total += removed;
            if (removed < _options.PruneBatchSize)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Integrity check: the schema is current and every running channel counter equals the rows it counts. Returns
    /// the problems found (empty when sound). <c>ownerc ledger verify --postgres</c> runs it.
    /// </summary>
    public IReadOnlyList<string> VerifyIntegrity() => Run(conn => PostgreSqlLedgerSchema.Verify(conn, _options.Schema));

    /// <summary>Disposes the data source when the ledger created it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private const int Contended = 4;

    private readonly record struct ReserveRow(int Status, int Denied, long Id, string? Channel, string? Offer, string? Category, bool Counted, long At, long Expires, string? Household)
    {
        public LedgerEntry Entry(in LedgerEntry asked) =>
            new(asked.CustomerId, asked.IdempotencyKey, Channel!, Offer, Category, Counted, At, Expires) { HouseholdId = Household };
    }

    /// <summary>Everything one reserve sends, as the parallel arrays the server-side function takes.</summary>
    private sealed record ReserveArguments(
        LedgerEntry Entry, long Now, bool Commit,
        string?[] Customers, string?[] Channels, string?[] Offers, bool[] OffersOnly, string?[] OfferGroups, string?[] Households,
        long[] Froms, int[] Maxes, string[] EventCustomers, string[] EventNames, long[] EventFroms);

    private ReserveRow ReserveCall(ReserveArguments a, bool exclusive) => Run(conn =>
    {
        var e = a.Entry;
        using var cmd = new NpgsqlCommand(_reserveSql, conn);
        cmd.Parameters.Add(Text(e.CustomerId));
        cmd.Parameters.Add(Text(e.IdempotencyKey));
        cmd.Parameters.Add(Text(e.Channel));
        cmd.Parameters.Add(Text(e.Offer));
        cmd.Parameters.Add(Text(e.Category));
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = e.Counted });
        cmd.Parameters.Add(Text(e.HouseholdId));
        cmd.Parameters.Add(Int8(e.AtUtcTicks));
        cmd.Parameters.Add(Int8(e.ExpiresUtcTicks));
        cmd.Parameters.Add(Int8(a.Now));
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = a.Commit });
        cmd.Parameters.Add(Array(a.Customers, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.Channels, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.Offers, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.OffersOnly, NpgsqlDbType.Boolean));
        cmd.Parameters.Add(Array(a.OfferGroups, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.Households, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.Froms, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(Array(a.Maxes, NpgsqlDbType.Integer));
        cmd.Parameters.Add(Array(a.EventCustomers, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.EventNames, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(a.EventFroms, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = exclusive });
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return new ReserveRow(
            reader.GetInt32(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            !reader.IsDBNull(6) && reader.GetBoolean(6),
            reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
            reader.IsDBNull(8) ? 0 : reader.GetInt64(8),
            reader.IsDBNull(9) ? null : reader.GetString(9));
    });

    private static NpgsqlParameter Array(System.Array values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    private void Open() => Run(conn =>
    {
        var state = PostgreSqlLedgerSchema.Inspect(conn, _options.Schema);
        if (state.Problem is null)
        {
            return 0;
        }
        if (state.Version is null && _options.CreateIfMissing && state.Problem.StartsWith("the database has no", StringComparison.Ordinal))
        {
            PostgreSqlLedgerSchema.Migrate(conn, _options.Schema);
            return 0;
        }
        throw new LedgerSchemaException(state.Problem, state.Version, PostgreSqlLedgerSchema.Version);
    });

    /// <summary>
    /// Runs one operation on a pooled connection. Deadlocks and serialization failures (which roll the whole call
    /// back) are retried; an unreachable server becomes <see cref="LedgerUnavailableException"/>, and the pool is
    /// cleared so that the next call opens fresh connections instead of reusing ones the server has dropped.
    /// </summary>
    private T Run<T>(Func<NpgsqlConnection, T> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var conn = _dataSource.OpenConnection();
                return operation(conn);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
                // The call's transaction was rolled back as a whole: repeating it is safe.
            }
            catch (Exception e) when (IsUnavailable(e))
            {
                _dataSource.Clear();
                throw new LedgerUnavailableException(
                    $"the PostgreSQL contact ledger is unavailable ({Describe(e)}); the call may be repeated: reserve and commit are idempotent per idempotency key", e);
            }
        }
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                or PostgresErrorCodes.ReadOnlySqlTransaction,
        NpgsqlException => true,
        SocketException or IOException or TimeoutException => true,
        InvalidOperationException when e.InnerException is { } inner => IsUnavailable(inner),
        _ => false,
    };

    private static string Describe(Exception e) => e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : e.Message;

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The handful of ledger statements are prepared once per physical connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }
        // The ledger's own pool runs only the ledger's statements, which leave no session state behind (no SET, no
        // temporary table, no LISTEN; its advisory locks are transaction-scoped). Npgsql would otherwise send a reset
        // (RESET ALL, UNLISTEN *, pg_advisory_unlock_all(), DISCARD …: seven statements) with the first command after
        // every return to the pool, i.e. twice per reserve+commit.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<long> Int8(long value) => new() { TypedValue = value };

    private static void ValidateFilter(in ContactFilter f)
    {
        RequireOptionalText(f.CustomerId, "customer id");
        RequireOptionalText(f.Channel, "channel");
        RequireOptionalText(f.Offer, "offer");
        RequireOptionalText(f.HouseholdId, "household id");
        foreach (var offer in f.OfferIn ?? [])
        {
            RequireText(offer, "offer");
        }
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, so on top of <see cref="LedgerText"/>'s rules a NUL is refused before
    /// anything is sent (instead of a server error half-way through a call).
    /// </summary>
    private static void RequireText(string? value, string what)
    {
        LedgerText.Require(value, what);
        if (value!.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} contains a NUL character (U+0000), which PostgreSQL text cannot store.", what);
        }
    }

    private static void RequireOptionalText(string? value, string what)
    {
        if (value is not null)
        {
            RequireText(value, what);
        }
    }

    private static bool Storable(string? value) =>
        value is not null && LedgerText.Problem(value) is null && !value.Contains('\0', StringComparison.Ordinal);

    private static void ValidateTime(long ticks, string what)
    {
        if (ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks && ticks != long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(what, ticks, "not a time between year 1 and 9999 in UTC ticks");
        }
    }
}

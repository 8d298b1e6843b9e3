using System.Globalization;
using Npgsql;

namespace AccountabilityDsl.Runtime.PostgreSql;

/// <summary>
/// The contact ledger's tables and server-side functions in one PostgreSQL schema, the version table that names
/// them, and the explicit migration (<c>ownerc ledger migrate --postgres</c>) that creates or upgrades them.
/// </summary>
/// <remarks>
/// <para>Locking design (see docs/runtime.md, "PostgreSQL ledger"):</para>
/// <list type="bullet">
/// <item>Per customer: a transaction-scoped advisory lock on the customer id's hash serialises every reservation of
/// one customer, so the per-customer limits are counted exactly (an index range on (customer, at)) and the
/// idempotency key lookup, the count and the insert are one atomic step. No row is written to take it, so there is no
/// lock-row bloat; a hash collision only makes two customers wait for each other.</item>
/// <item>Per channel capacity: the hot row is avoided with <see cref="Stripes"/> striped advisory locks and striped
/// running counters per channel and hour/day bucket. Far from the cap a reservation takes ONE stripe (the first free
/// one), counts through the counters and inserts: at most Stripes − 1 other reservations of the channel can be in
/// flight unseen, so while count + Stripes ≤ cap no interleaving can pass the cap, and up to Stripes reservations of
/// one channel commit (and fsync) in parallel. Near the cap (count + Stripes &gt; cap) the function answers
/// "contended" and the client calls again in exclusive mode, which takes every stripe (in order, so no deadlock) and
/// counts exactly.</item>
/// <item>Counting never scans a period's contacts: counted rows are summed from the counters (hour buckets up to the
/// next UTC day, day buckets after it), minus the few rows of a partial first hour and the pending reservations that
/// have expired (a partial index), so a reserve costs the same at 10k or 1M contacts in the period.</item>
/// </list>
/// </remarks>
public static class PostgreSqlLedgerSchema
{
    /// <summary>The schema version this library reads and writes.</summary>
    /// <remarks>
    /// Version 2 (same tables as 1): the helper functions that every reserve calls (<c>ledger_now</c>,
    /// <c>channel_usage</c>, <c>count_row</c>) are PL/pgSQL instead of SQL, because PostgreSQL plans a SQL function's
    /// query again on every call that it does not inline, while PL/pgSQL keeps the plan for the session: this cut the
    /// server's CPU per reserve+commit by more than half (docs/performance.md). Advancing the high-water time takes
    /// any clock row that no other transaction holds, instead of waiting for the one its stripe named.
    /// Version 3 (same tables): <c>reserve</c> runs its household-lock query only when a constraint names a household,
    /// and <c>advance_clock</c> reads the clock rows once instead of three times. Reservations stay durable: see
    /// docs/runtime.md, "Why a reservation is flushed like a commit".
    /// </remarks>
    public const int Version = 3;

    /// <summary>The name this library writes in its version table's component column.</summary>
    public const string Component = "AccountabilityDsl.ContactLedger";

    /// <summary>The default PostgreSQL schema (namespace) holding the ledger.</summary>
    public const string DefaultSchema = "contact_ledger";

    /// <summary>How many stripes each channel's capacity lock and counters are split into.</summary>
    public const int Stripes = 16;

    /// <summary>How many rows the ledger's high-water time is spread over (a write advances one; reads take the max).</summary>
    public const int ClockStripes = 64;

    /// <summary>Advisory lock class of a customer (first key of the two-key form; the second is the id's hash).</summary>
    internal const int CustomerLockClass = 0x4C440001;

    /// <summary>Advisory lock class of channel stripe 0; stripe s uses this + s.</summary>
    internal const int ChannelLockClass = 0x4C440100;

    /// <summary>What an open ledger or <c>ledger verify</c> found.</summary>
    /// <param name="Version">The stored version, or null when there is none.</param>
    /// <param name="Problem">Why the schema cannot be used as is, or null when it is current.</param>
    public sealed record SchemaState(int? Version, string? Problem);

    /// <summary>Reads the stored schema version without changing anything.</summary>
    public static SchemaState Inspect(NpgsqlConnection connection, string schema = DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = $1),
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = 'schema_version' AND c.relkind = 'r');
            """;
        cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
        long schemas;
        long versionTables;
        using (var reader = cmd.ExecuteReader())
        {
            reader.Read();
            schemas = reader.GetInt64(0);
            versionTables = reader.GetInt64(1);
        }
        if (schemas == 0)
        {
            return new SchemaState(null,
                $"the database has no contact ledger schema \"{schema}\" (this library needs version {Version}); create it with: ownerc ledger migrate --postgres \"<connection string>\"");
        }
        if (versionTables == 0)
        {
            return new SchemaState(null,
                $"schema \"{schema}\" exists but is not a contact ledger (it has no schema_version table; this library needs {Component} version {Version}); choose another schema name or database");
        }
        cmd.CommandText = $"SELECT component, version FROM {Quote(schema)}.schema_version;";
        cmd.Parameters.Clear();
        var rows = new List<(string Component, int Version)>();
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }
        var ours = rows.Where(r => r.Component == Component).ToList();
        if (ours.Count == 0)
        {
            var found = rows.Count == 0 ? "no component" : string.Join(", ", rows.Select(r => $"{r.Component} version {r.Version}"));
            return new SchemaState(null,
                $"schema \"{schema}\" holds {found}, not {Component} (this library needs version {Version}); it is not a contact ledger");
        }
        var version = ours[0].Version;
        if (version > Version)
        {
            return new SchemaState(version,
                $"the contact ledger schema \"{schema}\" is version {version}, newer than version {Version} that this AccountabilityDsl.Runtime.PostgreSql reads: upgrade the package (nothing was changed)");
        }
        if (version < Version)
        {
            return new SchemaState(version,
                $"the contact ledger schema \"{schema}\" is version {version}, older than version {Version} that this library needs: upgrade it explicitly with: ownerc ledger migrate --postgres \"<connection string>\"");
        }
        return new SchemaState(version, null);
    }

    /// <summary>
    /// Creates the schema, or upgrades an older one, in one transaction; refuses a newer or foreign schema. Returns the
    /// version found before (null when the schema was created).
    /// </summary>
    public static int? Migrate(NpgsqlConnection connection, string schema = DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var tx = connection.BeginTransaction();
        using (var lockCmd = connection.CreateCommand())
        {
            // Two migrations at once (two deploys) wait for each other instead of racing on CREATE.
            lockCmd.CommandText = $"SELECT pg_advisory_xact_lock({CustomerLockClass - 1}, hashtext($1));";
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            lockCmd.ExecuteNonQuery();
        }
        var state = Inspect(connection, schema);
        int? before = state.Version;
        if (state.Version is null && state.Problem is not null && !state.Problem.StartsWith("the database has no", StringComparison.Ordinal))
        {
            throw new LedgerSchemaException(state.Problem, null, Version);
        }
        if (state.Version > Version)
        {
            throw new LedgerSchemaException(state.Problem!, state.Version, Version);
        }
        for (var v = (state.Version ?? 0) + 1; v <= Version; v++)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Script(v, schema);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return before;
    }

    /// <summary>
    /// Integrity check: the schema is current and every channel counter equals the rows it counts. Returns the
    /// problems found (empty when sound).
    /// </summary>
    public static IReadOnlyList<string> Verify(NpgsqlConnection connection, string schema = DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var state = Inspect(connection, schema);
        if (state.Problem is not null)
        {
            return [state.Problem];
        }
        var problems = new List<string>();
        using var cmd = connection.CreateCommand();
        var s = Quote(schema);
        cmd.CommandText = $"""
            WITH actual AS (
                SELECT channel, 0::smallint AS level, at / {TimeSpan.TicksPerHour} AS bucket, stripe, count(*) AS n
                  FROM {s}.contacts WHERE counted GROUP BY 1, 2, 3, 4
                UNION ALL
                SELECT channel, 1::smallint, at / {TimeSpan.TicksPerDay}, stripe, count(*)
                  FROM {s}.contacts WHERE counted GROUP BY 1, 2, 3, 4)
            SELECT coalesce(a.channel, c.channel), coalesce(a.level, c.level), coalesce(a.bucket, c.bucket),
                   coalesce(a.stripe, c.stripe), coalesce(a.n, 0), coalesce(c.n, 0)
              FROM actual a FULL JOIN {s}.channel_counts c
                ON c.channel = a.channel AND c.level = a.level AND c.bucket = a.bucket AND c.stripe = a.stripe
             WHERE coalesce(a.n, 0) <> coalesce(c.n, 0)
             ORDER BY 1, 2, 3, 4
             LIMIT 20;
            """;
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                var level = reader.GetInt16(1) == 0 ? "hour" : "day";
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"channel '{reader.GetString(0)}' {level} bucket {reader.GetInt64(2)} stripe {reader.GetInt16(3)}: counter says {reader.GetInt64(5)}, the contacts table holds {reader.GetInt64(4)}"));
            }
        }
        cmd.CommandText = $"SELECT count(*) FROM {s}.contacts WHERE committed AND expires <> {long.MaxValue};";
        if (cmd.ExecuteScalar() is long odd && odd > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{odd} committed contact(s) carry an expiry (committed rows must never expire)"));
        }
        return problems;
    }

    /// <summary>A double-quoted SQL identifier.</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The script that takes the schema from version <paramref name="to"/> − 1 to <paramref name="to"/>.</summary>
    internal static string Script(int to, string schema) => Expand(to switch
    {
        1 => V1,
        2 => V2,
        3 => V3,
        _ => throw new ArgumentOutOfRangeException(nameof(to)),
    }, schema);

    private static string Expand(string script, string schema) =>
        script.Replace("{s}", Quote(schema), StringComparison.Ordinal)
            .Replace("{H}", TimeSpan.TicksPerHour.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{D}", TimeSpan.TicksPerDay.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{S}", Stripes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{CLOCK}", ClockStripes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{CUST}", CustomerLockClass.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{CHAN}", ChannelLockClass.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{MAX}", long.MaxValue.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // Times are UTC ticks (bigint), like the other ledgers, so that no conversion can shift a window edge.
    private const string V1 = """
        CREATE SCHEMA {s};

        CREATE TABLE {s}.schema_version (
            component   text        PRIMARY KEY,
            version     integer     NOT NULL,
            migrated_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO {s}.schema_version (component, version) VALUES ('AccountabilityDsl.ContactLedger', 1);

        -- One row per reservation or contact. A pending reservation counts until "expires"; a committed contact has
        -- expires = max int64. "id" identifies one reservation: a stale handle never commits or releases a newer
        -- reservation made under the same (customer, idem_key).
        CREATE TABLE {s}.contacts (
            id         bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer   text     NOT NULL,
            idem_key   text     NOT NULL,
            channel    text     NOT NULL,
            offer      text     NULL,
            category   text     NULL,
            counted    boolean  NOT NULL,
            at         bigint   NOT NULL,
            expires    bigint   NOT NULL,
            committed  boolean  NOT NULL DEFAULT false,
            stripe     smallint NOT NULL,
            household  text     NULL,
            UNIQUE (customer, idem_key));
        CREATE INDEX contacts_household_at ON {s}.contacts (household, at) WHERE household IS NOT NULL;
        CREATE INDEX contacts_customer_at ON {s}.contacts (customer, at);
        CREATE INDEX contacts_channel_at ON {s}.contacts (channel, at) WHERE counted;
        CREATE INDEX contacts_pending ON {s}.contacts (channel, expires) WHERE NOT committed;
        CREATE INDEX contacts_at ON {s}.contacts (at);

        -- Running count of counted rows per channel, bucket (level 0: hour, 1: UTC day) and stripe.
        CREATE TABLE {s}.channel_counts (
            channel text     NOT NULL,
            level   smallint NOT NULL,
            bucket  bigint   NOT NULL,
            stripe  smallint NOT NULL,
            n       bigint   NOT NULL,
            PRIMARY KEY (channel, level, bucket, stripe));

        -- The ledger's high-water time, striped so that no single row is written by every call: expiry is judged
        -- against max(caller's now, max(high_water)); a write advances one stripe.
        CREATE TABLE {s}.ledger_clock (
            stripe     smallint PRIMARY KEY,
            high_water bigint   NOT NULL);
        INSERT INTO {s}.ledger_clock SELECT s, -9223372036854775808 FROM generate_series(0, {CLOCK} - 1) AS s;

        CREATE FUNCTION {s}.ledger_now(p_now bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
            SELECT greatest(p_now, (SELECT max(high_water) FROM {s}.ledger_clock))
        $$;

        -- Advances the high-water time (one stripe) and returns the effective now.
        CREATE FUNCTION {s}.advance_clock(p_now bigint, p_stripe integer) RETURNS bigint
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {s}.ledger_clock SET high_water = p_now WHERE stripe = p_stripe % {CLOCK} AND high_water < p_now;
            RETURN {s}.ledger_now(p_now);
        END $$;

        CREATE TABLE {s}.events (
            customer text   NOT NULL,
            event    text   NOT NULL,
            at       bigint NOT NULL,
            PRIMARY KEY (customer, event));

        -- Counted, live (committed or unexpired) rows of a channel at or after p_from, from the counters.
        CREATE FUNCTION {s}.channel_usage(p_channel text, p_from bigint, p_now bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
            SELECT coalesce((SELECT sum(n) FROM {s}.channel_counts
                              WHERE channel = p_channel AND level = 0
                                AND bucket >= p_from / {H} AND bucket < ((p_from / {H}) + 23) / 24 * 24), 0)
                 + coalesce((SELECT sum(n) FROM {s}.channel_counts
                              WHERE channel = p_channel AND level = 1 AND bucket >= ((p_from / {H}) + 23) / 24), 0)
                 - (SELECT count(*) FROM {s}.contacts
                     WHERE channel = p_channel AND counted AND at >= p_from / {H} * {H} AND at < p_from)
                 - (SELECT count(*) FROM {s}.contacts
                     WHERE channel = p_channel AND NOT committed AND expires <= p_now AND counted AND at >= p_from)
        $$;

        -- Does a row match the optional filter members (null = any)?
        CREATE FUNCTION {s}.matches(r_channel text, r_offer text, r_household text,
                                    p_channel text, p_offer text, p_offers_only boolean, p_offer_in text[], p_household text)
        RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
            SELECT (p_channel IS NULL OR r_channel = p_channel)
               AND (p_offer IS NULL OR r_offer = p_offer)
               AND (NOT p_offers_only OR r_offer IS NOT NULL)
               AND (p_offer_in IS NULL OR r_offer = ANY (p_offer_in))
               AND (p_household IS NULL OR r_household = p_household)
        $$;

        -- Exact count for any filter (per-customer and per-household limits; unusual shared filters). p_now is the
        -- effective now (already max'ed with the high-water time).
        CREATE FUNCTION {s}.usage(p_customer text, p_channel text, p_offer text, p_offers_only boolean, p_offer_in text[],
                                  p_household text, p_from bigint, p_now bigint) RETURNS bigint
        LANGUAGE plpgsql STABLE AS $$
        BEGIN
            IF p_customer IS NULL AND p_household IS NULL AND p_channel IS NOT NULL AND p_offer IS NULL
               AND NOT p_offers_only AND p_offer_in IS NULL THEN
                RETURN {s}.channel_usage(p_channel, p_from, p_now);
            END IF;
            IF p_customer IS NOT NULL THEN
                RETURN (SELECT count(*) FROM {s}.contacts
                         WHERE customer = p_customer AND at >= p_from AND counted AND (committed OR expires > p_now)
                           AND {s}.matches(channel, offer, household, p_channel, p_offer, p_offers_only, p_offer_in, p_household));
            END IF;
            IF p_household IS NOT NULL THEN
                RETURN (SELECT count(*) FROM {s}.contacts
                         WHERE household = p_household AND at >= p_from AND counted AND (committed OR expires > p_now)
                           AND {s}.matches(channel, offer, household, p_channel, p_offer, p_offers_only, p_offer_in, p_household));
            END IF;
            RETURN (SELECT count(*) FROM {s}.contacts
                     WHERE at >= p_from AND counted AND (committed OR expires > p_now)
                       AND {s}.matches(channel, offer, household, p_channel, p_offer, p_offers_only, p_offer_in, p_household));
        END $$;

        -- Time of the n-th oldest counted live row (for "retry at"); n is small (count − cap + 1).
        CREATE FUNCTION {s}.nth_oldest(p_customer text, p_channel text, p_offer text, p_offers_only boolean, p_offer_in text[],
                                       p_household text, p_from bigint, p_now bigint, p_n bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
            SELECT at FROM {s}.contacts
             WHERE (p_customer IS NULL OR customer = p_customer) AND at >= p_from AND counted
               AND (committed OR expires > p_now)
               AND {s}.matches(channel, offer, household, p_channel, p_offer, p_offers_only, p_offer_in, p_household)
             ORDER BY at OFFSET p_n - 1 LIMIT 1
        $$;

        CREATE FUNCTION {s}.count_row(p_channel text, p_at bigint, p_stripe smallint, p_delta integer) RETURNS void
        LANGUAGE sql AS $$
            INSERT INTO {s}.channel_counts AS c (channel, level, bucket, stripe, n)
            VALUES (p_channel, 0, p_at / {H}, p_stripe, p_delta), (p_channel, 1, p_at / {D}, p_stripe, p_delta)
            ON CONFLICT (channel, level, bucket, stripe) DO UPDATE SET n = c.n + excluded.n
        $$;

        -- Reserve: one call, one transaction. Status 0 reserved, 1 already reserved (pending, unexpired), 2 already
        -- committed, 3 denied (r_denied = index of the first failing constraint: counts, then events), 4 contended
        -- (near a channel cap: call again with p_exclusive), 5 recorded (p_commit: inserted already committed).
        -- Count constraints come as parallel arrays; c_offer_in holds each constraint's offer group as a JSON array
        -- (or null). A constraint with neither customer nor household is shared (a channel capacity).
        CREATE FUNCTION {s}.reserve(
            p_customer text, p_key text, p_channel text, p_offer text, p_category text, p_counted boolean,
            p_household text, p_at bigint, p_expires bigint, p_now bigint, p_commit boolean,
            c_customer text[], c_channel text[], c_offer text[], c_offers_only boolean[], c_offer_in text[],
            c_household text[], c_from bigint[], c_max integer[],
            e_customer text[], e_event text[], e_from bigint[],
            p_exclusive boolean,
            OUT r_status integer, OUT r_denied integer, OUT r_id bigint, OUT r_channel text, OUT r_offer text,
            OUT r_category text, OUT r_counted boolean, OUT r_at bigint, OUT r_expires bigint, OUT r_household text)
        LANGUAGE plpgsql AS $$
        DECLARE
            existing  {s}.contacts%ROWTYPE;
            found_row boolean;
            n         integer := coalesce(array_length(c_max, 1), 0);
            m         integer := coalesce(array_length(e_event, 1), 0);
            i         integer;
            k         integer;
            lock_key  integer;
            shared    integer := 0;
            exclusive boolean := p_exclusive;
            my_stripe integer := -1;
            first     integer;
            used      bigint;
            last_at   bigint;
            now_eff   bigint;
            failed    integer := -1;
        BEGIN
            r_denied := -1;
            PERFORM pg_advisory_xact_lock({CUST}, hashtext(p_customer));
            -- Households after the customer, in key order: callers of one household never wait in a cycle.
            FOR lock_key IN SELECT DISTINCT hashtext(c_household[j]) AS h FROM generate_subscripts(c_max, 1) AS j
                             WHERE c_customer[j] IS NULL AND c_household[j] IS NOT NULL ORDER BY h LOOP
                PERFORM pg_advisory_xact_lock({CUST} + 1, lock_key);
            END LOOP;
            now_eff := {s}.ledger_now(p_now);
            SELECT * INTO existing FROM {s}.contacts WHERE customer = p_customer AND idem_key = p_key;
            found_row := FOUND;
            IF found_row AND (existing.committed OR existing.expires > now_eff) THEN
                r_status := CASE WHEN existing.committed THEN 2 ELSE 1 END;
                r_id := existing.id; r_channel := existing.channel; r_offer := existing.offer;
                r_category := existing.category; r_counted := existing.counted; r_at := existing.at;
                r_expires := existing.expires; r_household := existing.household;
                RETURN;
            END IF;

            -- Per-customer and per-household constraints, then cool-down events: exact, under their locks.
            FOR i IN 1 .. n LOOP
                IF c_customer[i] IS NULL AND c_household[i] IS NULL THEN
                    shared := shared + 1;
                    CONTINUE;
                END IF;
                IF c_max[i] <= 0 OR {s}.usage(c_customer[i], c_channel[i], c_offer[i], c_offers_only[i],
                        CASE WHEN c_offer_in[i] IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(c_offer_in[i]::jsonb)) END,
                        c_household[i], c_from[i], now_eff) >= c_max[i] THEN
                    failed := i - 1;
                    EXIT;
                END IF;
            END LOOP;
            IF failed < 0 THEN
                FOR i IN 1 .. m LOOP
                    SELECT at INTO last_at FROM {s}.events WHERE customer = e_customer[i] AND event = e_event[i];
                    IF FOUND AND last_at >= e_from[i] THEN
                        failed := n + i - 1;
                        EXIT;
                    END IF;
                END LOOP;
            END IF;
            IF failed >= 0 THEN
                -- Report the first failing constraint in the caller's order: an earlier shared one may fail too.
                FOR i IN 1 .. least(failed, n) LOOP
                    IF c_customer[i] IS NULL AND c_household[i] IS NULL AND (c_max[i] <= 0 OR {s}.usage(NULL, c_channel[i], c_offer[i], c_offers_only[i],
                            CASE WHEN c_offer_in[i] IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(c_offer_in[i]::jsonb)) END,
                            NULL, c_from[i], now_eff) >= c_max[i]) THEN
                        failed := i - 1;
                        EXIT;
                    END IF;
                END LOOP;
                r_status := 3; r_denied := failed;
                RETURN;
            END IF;

            -- Shared constraints (channel capacities). More than one, an unusual filter, or a small cap: exclusive.
            IF shared > 0 THEN
                FOR i IN 1 .. n LOOP
                    IF c_customer[i] IS NULL AND c_household[i] IS NULL
                       AND (c_max[i] <= 2 * {S} OR c_channel[i] IS NULL OR c_offer[i] IS NOT NULL OR c_offers_only[i]
                            OR c_offer_in[i] IS NOT NULL) THEN
                        exclusive := true;
                    END IF;
                END LOOP;
                IF shared > 1 THEN
                    exclusive := true;
                END IF;
                IF exclusive THEN
                    -- Every stripe of every shared channel, in (key, stripe) order: no two callers can deadlock.
                    FOR lock_key IN SELECT DISTINCT hashtext(coalesce(c_channel[j], '')) AS h FROM generate_subscripts(c_max, 1) AS j
                                     WHERE c_customer[j] IS NULL AND c_household[j] IS NULL ORDER BY h LOOP
                        FOR k IN 0 .. {S} - 1 LOOP
                            PERFORM pg_advisory_xact_lock({CHAN} + k, lock_key);
                        END LOOP;
                    END LOOP;
                ELSE
                    FOR i IN 1 .. n LOOP
                        IF c_customer[i] IS NULL AND c_household[i] IS NULL THEN
                            lock_key := hashtext(c_channel[i]);
                            EXIT;
                        END IF;
                    END LOOP;
                    first := floor(random() * {S})::integer;
                    FOR k IN 0 .. {S} - 1 LOOP
                        IF pg_try_advisory_xact_lock({CHAN} + (first + k) % {S}, lock_key) THEN
                            my_stripe := (first + k) % {S};
                            EXIT;
                        END IF;
                    END LOOP;
                    IF my_stripe < 0 THEN
                        PERFORM pg_advisory_xact_lock({CHAN} + first, lock_key);
                        my_stripe := first;
                    END IF;
                END IF;
                FOR i IN 1 .. n LOOP
                    IF c_customer[i] IS NOT NULL OR c_household[i] IS NOT NULL THEN
                        CONTINUE;
                    END IF;
                    used := {s}.usage(NULL, c_channel[i], c_offer[i], c_offers_only[i],
                        CASE WHEN c_offer_in[i] IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(c_offer_in[i]::jsonb)) END,
                        NULL, c_from[i], now_eff);
                    IF c_max[i] <= 0 OR used >= c_max[i] THEN
                        r_status := 3; r_denied := i - 1;
                        RETURN;
                    END IF;
                    IF NOT exclusive AND used + {S} > c_max[i] THEN
                        -- Up to {S} - 1 reservations may be in flight unseen: only the exclusive mode may decide.
                        r_status := 4; r_denied := i - 1;
                        RETURN;
                    END IF;
                END LOOP;
            END IF;

            IF my_stripe < 0 THEN
                my_stripe := floor(random() * {S})::integer;
            END IF;
            PERFORM {s}.advance_clock(p_now, my_stripe + {S} * (hashtext(p_customer) & 3));
            IF found_row THEN
                -- The key's previous reservation expired: it is replaced (its id dies with it).
                DELETE FROM {s}.contacts WHERE id = existing.id;
                IF existing.counted THEN
                    PERFORM {s}.count_row(existing.channel, existing.at, existing.stripe, -1);
                END IF;
            END IF;
            INSERT INTO {s}.contacts (customer, idem_key, channel, offer, category, counted, at, expires, stripe, household, committed)
            VALUES (p_customer, p_key, p_channel, p_offer, p_category, p_counted, p_at,
                    CASE WHEN p_commit THEN {MAX} ELSE p_expires END, my_stripe, p_household, p_commit)
            RETURNING id INTO r_id;
            IF p_counted THEN
                PERFORM {s}.count_row(p_channel, p_at, my_stripe::smallint, 1);
            END IF;
            r_status := CASE WHEN p_commit THEN 5 ELSE 0 END; r_channel := p_channel; r_offer := p_offer;
            r_category := p_category; r_counted := p_counted; r_at := p_at; r_household := p_household;
            r_expires := CASE WHEN p_commit THEN {MAX} ELSE p_expires END;
        END $$;

        -- Commit: 0 committed, 1 already committed, 2 expired (also: the key now holds another reservation), 3 not
        -- found. Only the reservation p_id names is ever committed.
        CREATE FUNCTION {s}.commit(p_customer text, p_key text, p_id bigint, p_now bigint) RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
            row     {s}.contacts%ROWTYPE;
            now_eff bigint := {s}.advance_clock(p_now, (hashtext(p_customer) & 2147483647) % {CLOCK});
        BEGIN
            UPDATE {s}.contacts SET committed = true, expires = {MAX}
             WHERE id = p_id AND customer = p_customer AND idem_key = p_key AND NOT committed AND expires > now_eff;
            IF FOUND THEN
                RETURN 0;
            END IF;
            SELECT * INTO row FROM {s}.contacts WHERE customer = p_customer AND idem_key = p_key;
            IF NOT FOUND THEN
                RETURN 3;
            END IF;
            IF row.id <> p_id THEN
                RETURN 2;
            END IF;
            RETURN CASE WHEN row.committed THEN 1 ELSE 2 END;
        END $$;

        -- Release: drops the pending reservation p_id names, and nothing else.
        CREATE FUNCTION {s}.release(p_customer text, p_key text, p_id bigint) RETURNS boolean
        LANGUAGE plpgsql AS $$
        DECLARE
            row {s}.contacts%ROWTYPE;
        BEGIN
            DELETE FROM {s}.contacts
             WHERE id = p_id AND customer = p_customer AND idem_key = p_key AND NOT committed
            RETURNING * INTO row;
            IF NOT FOUND THEN
                RETURN false;
            END IF;
            IF row.counted THEN
                PERFORM {s}.count_row(row.channel, row.at, row.stripe, -1);
            END IF;
            RETURN true;
        END $$;

        -- Retention, one bounded batch per call (the client loops): rows and their counters leave together.
        CREATE FUNCTION {s}.prune_batch(p_older_than bigint, p_expired_before bigint, p_batch integer) RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
            removed  integer;
            channels text[];
            ats      bigint[];
            stripes  smallint[];
            counteds boolean[];
            c        record;
            remains  bigint;
        BEGIN
            PERFORM {s}.advance_clock(p_expired_before, 0);
            WITH victims AS (
                (SELECT id FROM {s}.contacts WHERE committed AND at < p_older_than LIMIT p_batch)
                UNION
                (SELECT id FROM {s}.contacts WHERE NOT committed AND expires < p_expired_before LIMIT p_batch)),
            gone AS (
                DELETE FROM {s}.contacts t
                 WHERE t.id IN (SELECT id FROM victims ORDER BY id LIMIT p_batch)
                RETURNING t.channel, t.at, t.stripe, t.counted)
            SELECT count(*), array_agg(channel), array_agg(at), array_agg(stripe), array_agg(counted)
              INTO removed, channels, ats, stripes, counteds FROM gone;
            IF removed = 0 THEN
                RETURN 0;
            END IF;
            -- Counter rows are updated in key order (hour rows before day rows), the order every writer uses.
            FOR c IN SELECT ch, lvl, b, st, count(*) AS k FROM (
                        SELECT ch, 0::smallint AS lvl, a / {H} AS b, st FROM unnest(channels, ats, stripes, counteds) u(ch, a, st, cn) WHERE cn
                        UNION ALL
                        SELECT ch, 1::smallint, a / {D}, st FROM unnest(channels, ats, stripes, counteds) u(ch, a, st, cn) WHERE cn) x
                     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 LOOP
                UPDATE {s}.channel_counts SET n = n - c.k
                 WHERE channel = c.ch AND level = c.lvl AND bucket = c.b AND stripe = c.st
                RETURNING n INTO remains;
                IF remains = 0 THEN
                    DELETE FROM {s}.channel_counts
                     WHERE channel = c.ch AND level = c.lvl AND bucket = c.b AND stripe = c.st AND n = 0;
                END IF;
            END LOOP;
            RETURN removed;
        END $$;
        """;

    // Version 1 → 2: the same tables; the SQL helper functions on every reserve's path become PL/pgSQL so that their
    // plans are kept for the session instead of being made again on every call (bodies unchanged), and advancing the
    // high-water time no longer waits for another transaction's clock row.
    private const string V2 = """
        CREATE OR REPLACE FUNCTION {s}.ledger_now(p_now bigint) RETURNS bigint
        LANGUAGE plpgsql STABLE AS $$
        BEGIN
            RETURN greatest(p_now, (SELECT max(high_water) FROM {s}.ledger_clock));
        END $$;

        CREATE OR REPLACE FUNCTION {s}.channel_usage(p_channel text, p_from bigint, p_now bigint) RETURNS bigint
        LANGUAGE plpgsql STABLE AS $$
        BEGIN
            RETURN coalesce((SELECT sum(n) FROM {s}.channel_counts
                              WHERE channel = p_channel AND level = 0
                                AND bucket >= p_from / {H} AND bucket < ((p_from / {H}) + 23) / 24 * 24), 0)
                 + coalesce((SELECT sum(n) FROM {s}.channel_counts
                              WHERE channel = p_channel AND level = 1 AND bucket >= ((p_from / {H}) + 23) / 24), 0)
                 - (SELECT count(*) FROM {s}.contacts
                     WHERE channel = p_channel AND counted AND at >= p_from / {H} * {H} AND at < p_from)
                 - (SELECT count(*) FROM {s}.contacts
                     WHERE channel = p_channel AND NOT committed AND expires <= p_now AND counted AND at >= p_from);
        END $$;

        CREATE OR REPLACE FUNCTION {s}.count_row(p_channel text, p_at bigint, p_stripe smallint, p_delta integer) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {s}.channel_counts AS c (channel, level, bucket, stripe, n)
            VALUES (p_channel, 0, p_at / {H}, p_stripe, p_delta), (p_channel, 1, p_at / {D}, p_stripe, p_delta)
            ON CONFLICT (channel, level, bucket, stripe) DO UPDATE SET n = c.n + excluded.n;
        END $$;

        -- The high-water time without waiting: when no committed row already holds p_now or later, advance ANY clock row
        -- that no other transaction holds (SKIP LOCKED; the one p_stripe names when all are held). Version 1 always
        -- wrote the row p_stripe named, so two calls that picked the same row waited for each other's commit flush.
        CREATE OR REPLACE FUNCTION {s}.advance_clock(p_now bigint, p_stripe integer) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE
            picked smallint;
        BEGIN
            IF (SELECT max(high_water) FROM {s}.ledger_clock) < p_now THEN
                SELECT stripe INTO picked FROM {s}.ledger_clock LIMIT 1 FOR UPDATE SKIP LOCKED;
                UPDATE {s}.ledger_clock SET high_water = p_now
                 WHERE stripe = coalesce(picked, p_stripe % {CLOCK}) AND high_water < p_now;
            END IF;
            RETURN {s}.ledger_now(p_now);
        END $$;

        UPDATE {s}.schema_version SET version = 2, migrated_at = now() WHERE component = 'AccountabilityDsl.ContactLedger';
        """;

    // Version 2 → 3: the same tables; less work per call on the server.
    // * reserve is version 1's function with three edits. The query that lists the request's households (to lock them
    //   in key order) runs only when some constraint names a household, instead of on every call. The high-water time
    //   is advanced once, where version 1 first read it (after the customer's and households' locks, before any channel
    //   stripe), instead of read there and advanced again before the insert: one scan of the clock rows instead of three,
    //   and a denied or repeated reserve now moves the time too, as the in-memory and SQLite ledgers' reserves do.
    // * advance_clock picks and writes a free clock row in one statement and returns the time it computed instead of
    //   reading every clock row again.
    // * channel_usage skips the count of a partial first hour when the window starts on the hour, which a capacity's
    //   calendar period always does.
    // * commit takes the customer's lock before it reads the time. A reserve of the same customer whose caller's clock
    //   is past a reservation's expiry may give that reservation's slot away; without the lock a commit running at the
    //   same moment read the time before that reserve's clock advance was visible and recorded the contact too, one
    //   over the customer's cap. With it, the commit waits for the reserve and then finds the reservation expired.
    private static readonly string V3 = string.Join("\n\n",
        Edit(FunctionOf(V1, "reserve"),
            ("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
            ("""
                FOR lock_key IN SELECT DISTINCT hashtext(c_household[j]) AS h FROM generate_subscripts(c_max, 1) AS j
                                 WHERE c_customer[j] IS NULL AND c_household[j] IS NOT NULL ORDER BY h LOOP
                    PERFORM pg_advisory_xact_lock({CUST} + 1, lock_key);
                END LOOP;
            """, """
                IF cardinality(array_remove(c_household, NULL)) > 0 THEN
                    FOR lock_key IN SELECT DISTINCT hashtext(c_household[j]) AS h FROM generate_subscripts(c_max, 1) AS j
                                     WHERE c_customer[j] IS NULL AND c_household[j] IS NOT NULL ORDER BY h LOOP
                        PERFORM pg_advisory_xact_lock({CUST} + 1, lock_key);
                    END LOOP;
                END IF;
            """),
            ("now_eff := {s}.ledger_now(p_now);", "now_eff := {s}.advance_clock(p_now, (hashtext(p_customer) & 2147483647) % {CLOCK});"),
            ("""
                PERFORM {s}.advance_clock(p_now, my_stripe + {S} * (hashtext(p_customer) & 3));

            """, "")),
        Edit(FunctionOf(V2, "channel_usage"),
            ("""
                     - (SELECT count(*) FROM {s}.contacts
                         WHERE channel = p_channel AND counted AND at >= p_from / {H} * {H} AND at < p_from)
            """, """
                     - CASE WHEN p_from % {H} = 0 THEN 0 ELSE (SELECT count(*) FROM {s}.contacts
                         WHERE channel = p_channel AND counted AND at >= p_from / {H} * {H} AND at < p_from) END
            """)),
        Edit(FunctionOf(V1, "commit"),
            ("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
            ("now_eff bigint := {s}.advance_clock(p_now, (hashtext(p_customer) & 2147483647) % {CLOCK});", "now_eff bigint;"),
            ("""
            BEGIN
                UPDATE {s}.contacts SET committed = true
            """, """
            BEGIN
                PERFORM pg_advisory_xact_lock({CUST}, hashtext(p_customer));
                now_eff := {s}.advance_clock(p_now, (hashtext(p_customer) & 2147483647) % {CLOCK});
                UPDATE {s}.contacts SET committed = true
            """)),
        """
        CREATE OR REPLACE FUNCTION {s}.advance_clock(p_now bigint, p_stripe integer) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE
            high bigint := (SELECT max(high_water) FROM {s}.ledger_clock);
        BEGIN
            IF high >= p_now THEN
                RETURN high;
            END IF;
            UPDATE {s}.ledger_clock SET high_water = p_now
             WHERE stripe = coalesce((SELECT stripe FROM {s}.ledger_clock LIMIT 1 FOR UPDATE SKIP LOCKED), p_stripe % {CLOCK})
               AND high_water < p_now;
            RETURN p_now;
        END $$;

        UPDATE {s}.schema_version SET version = 3, migrated_at = now() WHERE component = 'AccountabilityDsl.ContactLedger';
        """);

    /// <summary>The <c>CREATE [OR REPLACE] FUNCTION {s}.name(…) … END $$;</c> statement of <paramref name="script"/>.</summary>
    private static string FunctionOf(string script, string name)
    {
        var start = script.IndexOf("FUNCTION {s}." + name + "(", StringComparison.Ordinal);
        start = start < 0 ? -1 : script.LastIndexOf("CREATE", start, StringComparison.Ordinal);
        var end = start < 0 ? -1 : script.IndexOf("END $$;", start, StringComparison.Ordinal);
        return end < 0
            ? throw new InvalidOperationException($"no function {name} in the script")
            : script[start..(end + "END $$;".Length)];
    }

    /// <summary>
    /// Applies each (old, new) replacement to the one occurrence of old; an edit that no longer applies (old missing or
    /// repeated) fails loudly, so an earlier version's script cannot drift from what a later version edits.
    /// </summary>
    private static string Edit(string text, params (string Old, string New)[] edits)
    {
        foreach (var (old, replacement) in edits)
        {
            var at = text.IndexOf(old, StringComparison.Ordinal);
            if (at < 0 || text.IndexOf(old, at + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException($"the schema script does not contain exactly one: {old.Trim()}");
            }
            text = string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
        }
        return text;
    }
}

using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;
using Npgsql;

namespace AccountabilityDsl.Runtime.Tests.PostgreSql;

/// <summary>The shared ledger contract, run against a real PostgreSQL server (one fresh schema per ledger).</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgreSqlLedgerContractTests(PostgresCluster cluster) : LedgerConformanceTests
{
    protected override IContactLedger CreateLedgerCore()
    {
        cluster.Require();
        return PostgreSqlLedgerTests.NewLedger(cluster, "contract");
    }

    protected override IContactLedger? OpenPeerCore(IContactLedger ledger) =>
        new PostgreSqlContactLedger(cluster.ConnectionString(cluster.SharedDatabase),
            new PostgreSqlLedgerOptions(Schema: ((PostgreSqlContactLedger)ledger).Schema));

    protected override int ContactPolicyStreams => 10;
}

/// <summary>What only the PostgreSQL ledger has: its schema versioning, counters, striped locks and server errors.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgreSqlLedgerTests(PostgresCluster cluster) : IDisposable
{
    private static int _schemas;
    private readonly List<IDisposable> _owned = [];

    internal static PostgreSqlContactLedger NewLedger(PostgresCluster cluster, string prefix, string? database = null) =>
        new(cluster.ConnectionString(database ?? cluster.SharedDatabase),
            new PostgreSqlLedgerOptions(Schema: prefix + Interlocked.Increment(ref _schemas), CreateIfMissing: true));

    public void Dispose()
    {
        _owned.ForEach(d => d.Dispose());
    }

    private PostgreSqlContactLedger Ledger(string? database = null)
    {
        cluster.Require();
        var ledger = NewLedger(cluster, "pg", database);
        _owned.Add(ledger);
        return ledger;
    }

    private static readonly long T0 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private static LedgerEntry Entry(string customer, string key, string channel = "sms", long at = 0, long hold = TimeSpan.TicksPerMinute) =>
        new(customer, key, channel, null, null, true, T0 + at, T0 + at + hold);

    private static CountConstraint Capacity(string channel, int max, long from = 0) => new(new ContactFilter(null, channel, null, false), T0 + from, max);

    [SkippableFact]
    public void Opening_without_a_schema_refuses_and_names_the_migrate_command()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        var e = Should.Throw<LedgerSchemaException>(() => new PostgreSqlContactLedger(cluster.ConnectionString(db)));
        e.Message.ShouldContain("ownerc ledger migrate --postgres");
        e.Message.ShouldContain("version 3");
        cluster.Psql(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'contact_ledger'").ShouldBe("0");
    }

    [SkippableFact]
    public void A_newer_schema_is_refused_naming_both_versions_and_left_untouched()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn).ShouldBeNull();
            PostgreSqlLedgerSchema.Migrate(conn).ShouldBe(3);
        }
        cluster.Psql(db, "UPDATE contact_ledger.schema_version SET version = 7");
        var e = Should.Throw<LedgerSchemaException>(() => new PostgreSqlContactLedger(cluster.ConnectionString(db)));
        e.Message.ShouldContain("version 7, newer than version 3");
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            Should.Throw<LedgerSchemaException>(() => PostgreSqlLedgerSchema.Migrate(conn)).Message.ShouldContain("version 7");
        }
        cluster.Psql(db, "SELECT version FROM contact_ledger.schema_version").ShouldBe("7");
    }

    [SkippableFact]
    public void An_older_schema_is_refused_on_open_and_upgraded_only_by_migrate()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn);
        }
        cluster.Psql(db, "UPDATE contact_ledger.schema_version SET version = 0");
        var e = Should.Throw<LedgerSchemaException>(() =>
            new PostgreSqlContactLedger(cluster.ConnectionString(db), new PostgreSqlLedgerOptions(CreateIfMissing: true)));
        e.Message.ShouldContain("version 0, older than version 3");
        cluster.Psql(db, "SELECT version FROM contact_ledger.schema_version").ShouldBe("0");
    }

    [SkippableFact]
    public void A_version_1_ledger_is_refused_on_open_and_migrate_upgrades_it_keeping_its_contacts_and_counters()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            using var v1 = new NpgsqlCommand(PostgreSqlLedgerSchema.Script(1, PostgreSqlLedgerSchema.DefaultSchema), conn);
            v1.ExecuteNonQuery();
        }
        // A contact written by version 1's own reserve function (one shared capacity constraint, committed at once).
        cluster.Psql(db, $"""
            SELECT r_status FROM contact_ledger.reserve('c1', 'k1', 'sms', NULL, NULL, true, NULL, {T0}, {T0 + TimeSpan.TicksPerMinute}, {T0}, true,
                ARRAY[NULL]::text[], ARRAY['sms'], ARRAY[NULL]::text[], ARRAY[false], ARRAY[NULL]::text[], ARRAY[NULL]::text[], ARRAY[{T0}]::bigint[], ARRAY[100],
                ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::bigint[], false)
            """).ShouldBe("5");
        Should.Throw<LedgerSchemaException>(() =>
            new PostgreSqlContactLedger(cluster.ConnectionString(db), new PostgreSqlLedgerOptions(CreateIfMissing: true)))
            .Message.ShouldContain("version 1, older than version 3");
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn).ShouldBe(1);
        }
        cluster.Psql(db, "SELECT version FROM contact_ledger.schema_version").ShouldBe("3");
        using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(db));
        ledger.VerifyIntegrity().ShouldBeEmpty();
        ledger.Find("c1", "k1").ShouldNotBeNull().IsCommitted.ShouldBeTrue();
        ledger.Measure(Capacity("sms", 100), T0 + 1).Count.ShouldBe(1);
        ledger.TryReserve(Entry("c2", "k2", at: 1), [Capacity("sms", 100)], [], T0 + 1).Status.ShouldBe(LedgerReserveStatus.Reserved);
        ledger.Measure(Capacity("sms", 100), T0 + 1).Count.ShouldBe(2);
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    public void A_version_2_ledger_is_refused_on_open_and_migrate_upgrades_it_keeping_its_pending_reservations()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            foreach (var version in new[] { 1, 2 })
            {
                using var script = new NpgsqlCommand(PostgreSqlLedgerSchema.Script(version, PostgreSqlLedgerSchema.DefaultSchema), conn);
                script.ExecuteNonQuery();
            }
        }
        // A pending reservation taken by version 2's reserve function (a per-customer cap of 1, an hour's hold).
        var reserved = cluster.Psql(db, $"""
            SELECT r_status || ' ' || r_id FROM contact_ledger.reserve('c1', 'k1', 'sms', NULL, NULL, true, NULL, {T0}, {T0 + TimeSpan.TicksPerHour}, {T0}, false,
                ARRAY['c1'], ARRAY[NULL]::text[], ARRAY[NULL]::text[], ARRAY[false], ARRAY[NULL]::text[], ARRAY[NULL]::text[], ARRAY[{T0}]::bigint[], ARRAY[1],
                ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::bigint[], false)
            """).Split(' ');
        reserved[0].ShouldBe("0");
        Should.Throw<LedgerSchemaException>(() =>
            new PostgreSqlContactLedger(cluster.ConnectionString(db), new PostgreSqlLedgerOptions(CreateIfMissing: true)))
            .Message.ShouldContain("version 2, older than version 3");
        cluster.Psql(db, "SELECT count(*) FROM pg_proc WHERE proname = 'reserve' AND prosrc LIKE '%array_remove(c_household%'").ShouldBe("0");
        using (var conn = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn).ShouldBe(2);
            PostgreSqlLedgerSchema.Migrate(conn).ShouldBe(3);
        }
        cluster.Psql(db, "SELECT version FROM contact_ledger.schema_version").ShouldBe("3");
        cluster.Psql(db, "SELECT count(*) FROM pg_proc WHERE proname = 'reserve' AND prosrc LIKE '%array_remove(c_household%'").ShouldBe("1");

        using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(db));
        var perCustomer = new CountConstraint(new ContactFilter("c1", null, null, false), T0, 1);
        // The version 2 reservation still holds the customer's only slot, and commits under its id.
        ledger.TryReserve(Entry("c1", "k2", at: 1), [perCustomer], [], T0 + 1).Status.ShouldBe(LedgerReserveStatus.Denied);
        ledger.Commit(new ReservationRef("c1", "k1", long.Parse(reserved[1], System.Globalization.CultureInfo.InvariantCulture)), T0 + 2)
            .ShouldBe(CommitOutcome.Committed);
        // Version 3's reserve: a household constraint still locks and counts its household.
        var perHousehold = new CountConstraint(new ContactFilter(null, null, null, false) { HouseholdId = "h1" }, T0, 1);
        ledger.TryReserve(Entry("c2", "k1", at: 3) with { HouseholdId = "h1" }, [perHousehold], [], T0 + 3).Status.ShouldBe(LedgerReserveStatus.Reserved);
        ledger.TryReserve(Entry("c3", "k1", at: 4) with { HouseholdId = "h1" }, [perHousehold], [], T0 + 4).Status.ShouldBe(LedgerReserveStatus.Denied);
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    public void An_acknowledged_reservation_survives_an_immediate_server_restart_holding_its_slot_until_committed()
    {
        // A host sends between reserve and commit, so a reservation the ledger acknowledged must outlive a crash like a
        // commit does: were it forgotten, its slot would open again while the contact it stands for is already out.
        cluster.Require();
        var db = cluster.CreateDatabase("crash");
        using var ledger = NewLedger(cluster, "crash", db);
        var held = new List<LedgerReserveResult>();
        for (var i = 0; i < 20; i++)
        {
            var customer = $"c{i}";
            held.Add(ledger.TryReserve(Entry(customer, "k1", hold: TimeSpan.TicksPerHour),
                [new CountConstraint(new ContactFilter(customer, null, null, false), T0, 1), Capacity("sms", 1000)], [], T0));
            held[^1].Status.ShouldBe(LedgerReserveStatus.Reserved);
        }
        cluster.RestartImmediate();

        T Retrying<T>(Func<T> call)
        {
            // The pool's connections died with the server: the first call fails as retryable, and clears the pool.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return call();
                }
                catch (LedgerUnavailableException) when (attempt < 5)
                {
                }
            }
        }
        for (var i = 0; i < 20; i++)
        {
            var customer = $"c{i}";
            Retrying(() => ledger.TryReserve(Entry(customer, "k2", at: 1), [new CountConstraint(new ContactFilter(customer, null, null, false), T0, 1)], [], T0 + 1))
                .Status.ShouldBe(LedgerReserveStatus.Denied);
            Retrying(() => ledger.Commit(held[i].Reference, T0 + 2)).ShouldBe(CommitOutcome.Committed);
        }
        ledger.Measure(Capacity("sms", 1000), T0 + 3).Count.ShouldBe(20);
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task A_commit_waits_for_a_reserve_of_its_customer_and_then_honours_the_time_that_reserve_saw()
    {
        // Clocks differ across a fleet: a reserve whose caller is past a reservation's expiry may give its slot away,
        // while the holder, whose clock is behind, commits at the same moment. The commit must serialise with the
        // reserve (the customer's lock) and then see its time: one contact, never two over a cap of one.
        cluster.Require();
        var db = cluster.CreateDatabase("skew");
        using var ledger = NewLedger(cluster, "skew", db);
        LedgerReserveResult held = ledger.TryReserve(Entry("c", "k1", hold: TimeSpan.TicksPerMinute),
            [new CountConstraint(new ContactFilter("c", null, null, false), T0, 1)], [], T0);
        held.Status.ShouldBe(LedgerReserveStatus.Reserved);

        // A reserve of customer c in flight, as far as commit can see it: the customer's lock held and the
        // time advanced past the reservation's expiry, neither committed yet.
        await using var reserving = new NpgsqlConnection(cluster.ConnectionString(db));
        await reserving.OpenAsync();
        await using NpgsqlTransaction inFlight = await reserving.BeginTransactionAsync();
        await using (var step = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({PostgreSqlLedgerSchema.CustomerLockClass}, hashtext('c'));" +
            // One clock row, as a reserve's advance writes one; the others stay free for the commit's own advance.
            $"UPDATE {ledger.Schema}.ledger_clock SET high_water = {T0 + 2 * TimeSpan.TicksPerMinute} WHERE stripe = 0;", reserving, inFlight))
        {
            await step.ExecuteNonQueryAsync();
        }

        Task<CommitOutcome> commit = Task.Run(() => ledger.Commit(held.Reference, T0 + TimeSpan.TicksPerSecond));
        await using (var watcher = new NpgsqlConnection(cluster.ConnectionString(db)))
        {
            await watcher.OpenAsync();
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database()", watcher);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                commit.IsCompleted.ShouldBeFalse($"the commit did not wait for the customer's reserve: {(commit.IsCompleted ? commit.Result : default)}");
                (DateTime.UtcNow < deadline).ShouldBeTrue("the commit never waited on the customer's lock");
                await Task.Delay(20);
            }
        }

        await inFlight.CommitAsync();
        (await commit).ShouldBe(CommitOutcome.Expired);
        ledger.Measure(new CountConstraint(new ContactFilter("c", null, null, false), T0, 1), T0 + 3 * TimeSpan.TicksPerMinute).Count.ShouldBe(0);
    }

    [SkippableFact]
    public void A_foreign_schema_of_the_same_name_is_refused()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        cluster.Psql(db, "CREATE SCHEMA contact_ledger; CREATE TABLE contact_ledger.contacts (x int);");
        var e = Should.Throw<LedgerSchemaException>(() =>
            new PostgreSqlContactLedger(cluster.ConnectionString(db), new PostgreSqlLedgerOptions(CreateIfMissing: true)));
        e.Message.ShouldContain("is not a contact ledger");
        cluster.Psql(db, "CREATE TABLE contact_ledger.schema_version (component text, version int); INSERT INTO contact_ledger.schema_version VALUES ('Billing', 3);");
        Should.Throw<LedgerSchemaException>(() => new PostgreSqlContactLedger(cluster.ConnectionString(db)))
            .Message.ShouldContain("holds Billing version 3, not AccountabilityDsl.ContactLedger");
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    [InlineData("LONE")]
    [InlineData("LONG")]
    public void Bad_ids_are_refused_before_anything_is_written(string customer)
    {
        var ledger = Ledger();
        // Built here: xunit's test-case serialization would turn a lone surrogate into U+FFFD.
        customer = customer switch
        {
            "LONG" => new string('x', 100_000),
            "LONE" => "order-\uD800",
            _ => customer,
        };
        Should.Throw<ArgumentException>(() => ledger.TryReserve(Entry(customer, "k"), [], [], T0));
        Should.Throw<ArgumentException>(() => ledger.TryReserve(Entry("c1", customer), [], [], T0));
        Should.Throw<ArgumentException>(() => ledger.RecordEvent(customer, "complaint", T0));
        Should.Throw<ArgumentNullException>(() => ledger.TryReserve(Entry(null!, "k"), [], [], T0));
        cluster.Psql(cluster.SharedDatabase, $"SELECT count(*) FROM \"{ledger.Schema}\".contacts").ShouldBe("0");
        cluster.Psql(cluster.SharedDatabase, $"SELECT count(*) FROM \"{ledger.Schema}\".events").ShouldBe("0");
    }

    [SkippableFact]
    public void Surrogate_pairs_and_distinct_lone_surrogates_never_collapse()
    {
        var ledger = Ledger();
        ledger.TryReserve(Entry("c1", "order-\U0001F600"), [], [], T0).Status.ShouldBe(LedgerReserveStatus.Reserved);
        ledger.TryReserve(Entry("c1", "order-\U0001F601"), [], [], T0).Status.ShouldBe(LedgerReserveStatus.Reserved);
        ledger.Find("c1", "order-\U0001F600").ShouldNotBeNull();
    }

    [SkippableFact]
    public void A_stale_handle_never_commits_or_releases_the_keys_next_reservation()
    {
        var ledger = Ledger();
        var first = ledger.TryReserve(Entry("c1", "k", hold: 10), [], [], T0);
        // The hold expired; the same key is reserved again by another worker.
        var second = ledger.TryReserve(Entry("c1", "k", at: 20), [], [], T0 + 20);
        second.Status.ShouldBe(LedgerReserveStatus.Reserved);
        ledger.Commit(first.Reference, T0 + 21).ShouldBe(CommitOutcome.Expired);
        ledger.Release(first.Reference, T0).ShouldBeFalse();
        ledger.Find("c1", "k").ShouldNotBeNull().IsCommitted.ShouldBeFalse();
        ledger.Commit(second.Reference, T0 + 21).ShouldBe(CommitOutcome.Committed);
        ledger.Commit(second.Reference, T0 + 22).ShouldBe(CommitOutcome.AlreadyCommitted);
    }

    [SkippableFact]
    public void Channel_counters_follow_reserve_release_expiry_and_prune_and_verify_clean()
    {
        var ledger = Ledger();
        const long hour = TimeSpan.TicksPerHour;
        // Contacts spread over three days: a monthly-style capacity counted from the counters.
        for (var i = 0; i < 60; i++)
        {
            var r = ledger.TryReserve(Entry("c" + i, "k", at: i * hour), [Capacity("sms", 1000)], [], T0 + i * hour);
            r.Status.ShouldBe(LedgerReserveStatus.Reserved);
            if (i % 3 != 0)
            {
                ledger.Commit(r.Reference, T0 + i * hour).ShouldBe(CommitOutcome.Committed);
            }
            else if (i % 2 == 0)
            {
                ledger.Release(r.Reference, T0).ShouldBeTrue();
            }
        }
        // 40 committed, 10 released, 10 pending whose minute-long holds have expired by the last hour.
        var now = T0 + 60 * hour;
        ledger.Measure(Capacity("sms", 1000), now).Count.ShouldBe(40);
        // From an unaligned instant inside hour 30: committed rows at hours 31..59 (i % 3 != 0).
        ledger.Measure(Capacity("sms", 1000, from: 30 * hour + 1), now).Count.ShouldBe(Enumerable.Range(31, 29).Count(i => i % 3 != 0));
        ledger.VerifyIntegrity().ShouldBeEmpty();
        ledger.Prune(T0 + 24 * hour, now).ShouldBe(Enumerable.Range(0, 60).Count(i => (i % 3 != 0 && i < 24) || (i % 3 == 0 && i % 2 != 0)));
        ledger.Measure(Capacity("sms", 1000), now).Count.ShouldBe(Enumerable.Range(24, 36).Count(i => i % 3 != 0));
        ledger.VerifyIntegrity().ShouldBeEmpty();
        cluster.Psql(cluster.SharedDatabase, $"UPDATE \"{ledger.Schema}\".channel_counts SET n = n + 1 WHERE ctid = (SELECT min(ctid) FROM \"{ledger.Schema}\".channel_counts)");
        ledger.VerifyIntegrity().ShouldHaveSingleItem().ShouldContain("counter says");
    }

    [SkippableFact]
    public void Prune_works_in_bounded_batches()
    {
        cluster.Require();
        var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(cluster.SharedDatabase),
            new PostgreSqlLedgerOptions(Schema: "prune" + Interlocked.Increment(ref _schemas), CreateIfMissing: true, PruneBatchSize: 7));
        _owned.Add(ledger);
        for (var i = 0; i < 30; i++)
        {
            var r = ledger.TryReserve(Entry("c" + i, "k", at: i), [], [], T0 + i);
            ledger.Commit(r.Reference, T0 + i);
        }
        ledger.Prune(T0 + 25, T0 + 25).ShouldBe(25);
        ledger.Measure(Capacity("sms", 100), T0 + 30).Count.ShouldBe(5);
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task Thirty_two_callers_fill_a_large_capacity_exactly_through_the_striped_path()
    {
        // Cap 100 > 2 × stripes: far from the cap reservations take one stripe each; near it, the exclusive path.
        var ledger = Ledger();
        const int cap = 100;
        var granted = 0;
        var tasks = Enumerable.Range(0, 32).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                var key = $"w{w}-{i}";
                var r = ledger.TryReserve(Entry("c" + w + "-" + i, key), [Capacity("sms", cap)], [], T0);
                if (r.Status == LedgerReserveStatus.Reserved)
                {
                    Interlocked.Increment(ref granted);
                    if (i % 2 == 0)
                    {
                        ledger.Commit(r.Reference, T0).ShouldBe(CommitOutcome.Committed);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        granted.ShouldBe(cap);
        ledger.Measure(Capacity("sms", cap), T0).Count.ShouldBe(cap);
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void An_unreachable_server_is_a_typed_retryable_error_and_the_ledger_works_when_it_is_back()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        using var ledger = NewLedger(cluster, "down", db);
        var held = ledger.TryReserve(Entry("c1", "k1"), [], [], T0);
        held.Status.ShouldBe(LedgerReserveStatus.Reserved);
        cluster.Stop();
        try
        {
            var e = Should.Throw<LedgerUnavailableException>(() => ledger.TryReserve(Entry("c1", "k2"), [], [], T0));
            e.Message.ShouldContain("unavailable");
            Should.Throw<LedgerUnavailableException>(() => ledger.Commit(held.Reference, T0));
        }
        finally
        {
            cluster.Start();
        }
        ledger.Commit(held.Reference, T0).ShouldBe(CommitOutcome.Committed);
        ledger.TryReserve(Entry("c1", "k2"), [], [], T0).Status.ShouldBe(LedgerReserveStatus.Reserved);
    }
}

using AccountabilityDsl.Runtime;
using Microsoft.Data.Sqlite;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>The SQLite ledger's file: schema versions and migration, integrity, busy handling.</summary>
public sealed partial class SqliteLedgerTests
{
    private string NewPath(string name) => Path.Combine(_dir, name);

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    [Fact]
    public void A_newer_schema_is_refused_and_left_untouched()
    {
        var path = NewPath("newer.db");
        new SqliteContactLedger(path).Dispose();
        Sql(path, "PRAGMA user_version = 3;");
        Should.Throw<LedgerSchemaException>(() => new SqliteContactLedger(path))
            .Message.ShouldBe($"The contact ledger '{path}' has schema version 3, newer than version 2 that this AccountabilityDsl.Runtime.Sqlite reads; upgrade the package.");
        Should.Throw<LedgerSchemaException>(() => SqliteContactLedger.Migrate(path));
        Scalar(path, "PRAGMA user_version;").ShouldBe(3L);
    }

    [Fact]
    public void A_foreign_database_is_refused()
    {
        var path = NewPath("foreign.db");
        Sql(path, "CREATE TABLE orders (id INTEGER PRIMARY KEY); PRAGMA user_version = 2;");
        Should.Throw<LedgerSchemaException>(() => new SqliteContactLedger(path)).Message.ShouldContain("is not a contact ledger");
        Should.Throw<LedgerSchemaException>(() => SqliteContactLedger.Migrate(path));
    }

    /// <summary>The version 1 schema as earlier releases wrote it.</summary>
    private static void CreateVersion1(string path) => Sql(path, """
        PRAGMA journal_mode = WAL;
        CREATE TABLE contacts (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, idem_key TEXT NOT NULL, channel TEXT NOT NULL,
            offer TEXT NULL, category TEXT NULL, counted INTEGER NOT NULL, at INTEGER NOT NULL, expires INTEGER NOT NULL,
            state INTEGER NOT NULL, UNIQUE (customer, idem_key));
        CREATE INDEX ix_contacts_customer_at ON contacts (customer, at);
        CREATE INDEX ix_contacts_channel_at ON contacts (channel, at);
        CREATE TABLE events (customer TEXT NOT NULL, event TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (customer, event));
        INSERT INTO contacts VALUES (1, 'c1', 'k1', 'sms', NULL, NULL, 1, 638000000000000000, 9223372036854775807, 1);
        INSERT INTO contacts VALUES (2, 'c2', 'k2', 'sms', 'gold', NULL, 1, 638000000000000001, 9223372036854775807, 1);
        INSERT INTO events VALUES ('c1', 'complaint', 638000000000000000);
        PRAGMA user_version = 1;
        """);

    [Fact]
    public void An_older_schema_is_refused_until_migrated_explicitly_and_keeps_its_contacts()
    {
        var path = NewPath("v1.db");
        CreateVersion1(path);
        Should.Throw<LedgerSchemaException>(() => new SqliteContactLedger(path))
            .Message.ShouldContain("has schema version 1, older than version 2; migrate it first");
        Scalar(path, "PRAGMA user_version;").ShouldBe(1L);

        SqliteContactLedger.Migrate(path).ShouldBe(1);
        SqliteContactLedger.Migrate(path).ShouldBe(2);
        using var ledger = new SqliteContactLedger(path);
        ledger.VerifyIntegrity().IsIntact.ShouldBeTrue();
        ledger.Find("c2", "k2").ShouldNotBeNull().Entry.Offer.ShouldBe("gold");
        ledger.LastEvent("c1", "complaint").ShouldBe(638000000000000000);
        ledger.Measure(new CountConstraint(new ContactFilter(null, "sms", null, false), 0, 5), 638000000000000002).Count.ShouldBe(2);
        // New reservation ids continue after the migrated ones.
        var r = ledger.TryReserve(new LedgerEntry("c3", "k3", "sms", null, null, true, 638000000000000002, 638000000000000003), [], [], 638000000000000002);
        r.ReservationId.ShouldBe(3);
    }

    [Fact]
    public void Migrate_creates_a_new_ledger()
    {
        var path = NewPath("created.db");
        SqliteContactLedger.Migrate(path).ShouldBe(0);
        Scalar(path, "PRAGMA user_version;").ShouldBe(2L);
        Scalar(path, "PRAGMA application_id;").ShouldBe((long)SqliteContactLedger.ApplicationId);
        using var ledger = new SqliteContactLedger(path);
        ledger.VerifyIntegrity().IsIntact.ShouldBeTrue();
    }

    /// <summary>Points the customer index at an empty b-tree: the table still has every row, the index none.</summary>
    private static void EmptyTheCustomerIndex(string path) => Sql(path, """
        CREATE INDEX ix_empty ON contacts (customer, at) WHERE customer = 'nobody';
        PRAGMA writable_schema = ON;
        UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 'ix_empty') WHERE name = 'ix_contacts_customer_at';
        DELETE FROM sqlite_master WHERE name = 'ix_empty';
        PRAGMA writable_schema = OFF;
        """);

    [Fact]
    public void A_corrupted_index_is_found_by_VerifyIntegrity_and_refused_on_open_when_asked()
    {
        var path = NewPath("corrupt.db");
        var clock = new ManualClock(T.Utc(2026, 1, 1));
        var policy = T.Policy(limits: [T.Limit(LimitScope.Contacts, 3, 30, TimeUnit.Day)]);
        using (var ledger = new SqliteContactLedger(path))
        {
            var gate = new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc);
            for (var i = 0; i < 3; i++)
            {
                gate.TryRecord(new ContactRequest("c1", "sms"), "k" + i).IsAllowed.ShouldBeTrue();
            }
            ledger.VerifyIntegrity().IsIntact.ShouldBeTrue();
        }
        EmptyTheCustomerIndex(path);
        using (var damaged = new SqliteContactLedger(path))
        {
            var report = damaged.VerifyIntegrity();
            report.IsIntact.ShouldBeFalse();
            report.Problems.ShouldContain(p => p.Contains("ix_contacts_customer_at"));
        }
        Should.Throw<LedgerSchemaException>(() => new SqliteContactLedger(path, new SqliteLedgerOptions(VerifyOnOpen: true)))
            .Message.ShouldStartWith($"The contact ledger '{path}' is damaged:");
    }

    [Fact]
    public void Channel_counters_that_disagree_with_the_contacts_are_reported()
    {
        var path = NewPath("counters.db");
        using var ledger = new SqliteContactLedger(path);
        var now = T.Utc(2026, 1, 1).UtcTicks;
        ledger.TryReserve(new LedgerEntry("c1", "k", "sms", null, null, true, now, now + 1), [], [], now, commit: true);
        Sql(path, "UPDATE channel_buckets SET n = 5;");
        ledger.VerifyIntegrity().Problems.ShouldHaveSingleItem().ShouldContain("says 5 contacts, the table has 1");
    }

    [Fact]
    public async Task Opening_an_existing_ledger_needs_no_write_lock_and_a_busy_writer_fails_after_the_busy_timeout()
    {
        var path = NewPath("busy.db");
        new SqliteContactLedger(path).Dispose();
        using var writer = new SqliteConnection($"Data Source={path};Pooling=False");
        writer.Open();
        using (var begin = writer.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }
        // Another process holds the write lock: opening and reading still work.
        using var ledger = new SqliteContactLedger(path, new SqliteLedgerOptions(BusyTimeout: TimeSpan.FromSeconds(1)));
        ledger.Find("c1", "k").ShouldBeNull();
        var now = T.Utc(2026, 1, 1).UtcTicks;
        // The reserve gives up with the typed exception. The bounded wait is only a hang guard: with
        // the driver's own retry loop on top of busy_timeout (its 30 s default command timeout) the
        // call would not give up within it.
        Task<LedgerUnavailableException> blocked = Task.Run(() => Should.Throw<LedgerUnavailableException>(() =>
            ledger.TryReserve(new LedgerEntry("c1", "k", "sms", null, null, true, now, now + 1), [], [], now)));
        (await Task.WhenAny(blocked, Task.Delay(TimeSpan.FromSeconds(20)))).ShouldBeSameAs(blocked,
            "TryReserve against a write-locked ledger did not give up within 20 s of its 1 s busy timeout: something retries past busy_timeout");
        (await blocked).Message.ShouldContain("locked by another writer beyond its busy timeout");
        using (var rollback = writer.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        ledger.TryReserve(new LedgerEntry("c1", "k", "sms", null, null, true, now, now + 1), [], [], now).Status.ShouldBe(LedgerReserveStatus.Reserved);
    }
}

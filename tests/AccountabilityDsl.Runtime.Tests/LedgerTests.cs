using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>The conformance suite on the in-memory ledger, plus what only it has (automatic retention).</summary>
public sealed class InMemoryLedgerTests : LedgerConformanceTests
{
    protected override IContactLedger CreateLedgerCore() => new InMemoryContactLedger();

    [Fact]
    public void Retention_drops_old_contacts_automatically()
    {
        var clock = new ManualClock(T.Utc(2026, 1, 1));
        var ledger = CreateLedger();
        var auto = new InMemoryContactLedger(TimeSpan.FromDays(40));
        var gate = new ContactGate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]), auto, clock, TimeZoneInfo.Utc);
        var r = gate.TryReserve(new ContactRequest("c1", "sms"), "old");
        gate.Commit(r.Reservation!);
        clock.Advance(TimeSpan.FromDays(41));
        gate.Commit(gate.TryReserve(new ContactRequest("c1", "sms"), "new").Reservation!).ShouldBe(CommitOutcome.Committed);
        auto.Find("c1", "old").ShouldBeNull();
        auto.Find("c1", "new").ShouldNotBeNull();
        ledger.ShouldNotBeNull();
    }
}

/// <summary>The conformance suite on the SQLite ledger, plus its file format: schema, WAL, migration, integrity, busy handling.</summary>
public sealed partial class SqliteLedgerTests : LedgerConformanceTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-tests-").FullName;
    private int _files;

    protected override IContactLedger CreateLedgerCore() =>
        new SqliteContactLedger(Path.Combine(_dir, $"ledger{Interlocked.Increment(ref _files)}.db"));

    protected override IContactLedger? OpenPeerCore(IContactLedger ledger) => new SqliteContactLedger(((SqliteContactLedger)ledger).Path);

    protected override int ContactPolicyStreams => 25;

    public override void Dispose()
    {
        base.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void Schema_uses_WAL_and_survives_reopen()
    {
        var path = Path.Combine(_dir, "reopen.db");
        var clock = new ManualClock(T.Utc(2026, 1, 1));
        var policy = T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 30, TimeUnit.Day)]);
        using (var ledger = new SqliteContactLedger(path))
        {
            var gate = new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc);
            gate.Commit(gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation!).ShouldBe(CommitOutcome.Committed);
        }
        using (var ledger = new SqliteContactLedger(path))
        {
            ledger.Find("c1", "k").ShouldNotBeNull().IsCommitted.ShouldBeTrue();
            new ContactGate(policy, ledger, clock, TimeZoneInfo.Utc).Check(new ContactRequest("c1", "sms")).IsAllowed.ShouldBeFalse();
        }
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        cmd.ExecuteScalar().ShouldBe("wal");
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('ix_contacts_customer_at', 'ix_contacts_channel_at');";
        cmd.ExecuteScalar().ShouldBe(2L);
    }
}

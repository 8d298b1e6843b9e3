using AccountabilityDsl.Runtime;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Reserve + commit against a monthly channel capacity on a SQLite ledger that already holds
/// <see cref="ContactsInPeriod"/> committed contacts through that channel in the current month: the capacity's count
/// comes from per-channel bucket counters, so the cost must not grow with the period's volume (issue 10, defect 5:
/// it was linear, 3.6 s per reserve+commit at 1,000,000).
/// </summary>
/// <remarks>
/// The big ledger is generated in one transaction with raw SQL (contacts, then their counters), which takes seconds
/// instead of a million gate calls. <c>synchronous=NORMAL</c> keeps the fsync out of the comparison.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(RuntimeBenchmarkConfig))]
public class SqliteCapacityBenchmarks
{
    /// <summary>The ledger's bucket width (15 minutes in ticks), as the schema documents it.</summary>
    private const long BucketTicks = 15 * TimeSpan.TicksPerMinute;
    private string _dir = "";
    private SqliteContactLedger _ledger = null!;
    private ContactGate _gate = null!;
    private RuntimeBenchClock _clock = null!;
    private int _next;

    [Params(10_000, 1_000_000)]
    public int ContactsInPeriod { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("capacity-bench-").FullName;
        var path = Path.Combine(_dir, "ledger.db");
        var monthStart = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        new SqliteContactLedger(path).Dispose();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO contacts (customer, idem_key, channel, offer, category, household, counted, at, expires, state) VALUES ($c, $k, 'sms', NULL, NULL, NULL, 1, $at, 9223372036854775807, 1);";
            var customer = insert.Parameters.Add("$c", SqliteType.Text);
            var key = insert.Parameters.Add("$k", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            // Spread over the first 20 days of March.
            var step = 20 * TimeSpan.TicksPerDay / ContactsInPeriod;
            for (var i = 0; i < ContactsInPeriod; i++)
            {
                customer.Value = "c" + i;
                key.Value = "k";
                at.Value = monthStart + i * step;
                insert.ExecuteNonQuery();
            }
            using var counters = connection.CreateCommand();
            counters.CommandText = $"INSERT INTO channel_buckets (channel, bucket, n) SELECT channel, at / {BucketTicks}, count(*) FROM contacts WHERE state = 1 AND counted = 1 GROUP BY channel, at / {BucketTicks};";
            counters.ExecuteNonQuery();
            tx.Commit();
        }
        _ledger = new SqliteContactLedger(path, new SqliteLedgerOptions(SynchronousFull: false));
        _clock = new RuntimeBenchClock(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.Zero));
        var policy = new ContactPolicy("bench", "bench.owner",
            capacities: [new ChannelCapacity("sms", 10_000_000, TimeUnit.Month, new SourceLine("bench.owner", 1, ""))]);
        _gate = new ContactGate(policy, _ledger, _clock, TimeZoneInfo.Utc);
        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "SQLite TryReserve+Commit, monthly channel capacity")]
    public bool ReserveCommit()
    {
        _clock.Tick();
        var result = _gate.TryReserve(new ContactRequest("new-" + _next++, "sms"), "k");
        return result.Reservation is { } r && _gate.Commit(r) == CommitOutcome.Committed;
    }
}

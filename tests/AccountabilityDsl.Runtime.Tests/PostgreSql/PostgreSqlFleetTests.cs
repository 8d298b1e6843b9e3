using System.Diagnostics;
using System.Globalization;
using System.Text;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;
using Xunit.Abstractions;

namespace AccountabilityDsl.Runtime.Tests.PostgreSql;

/// <summary>
/// A fleet's failures, with real OS processes against one real PostgreSQL server: many writers on one customer's
/// cap and one channel's capacity, writers killed with SIGKILL at random moments, the server killed and restarted.
/// Each writer is the test Writer in <c>fleet</c> mode (see its Program.cs).
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgreSqlFleetTests(PostgresCluster cluster, ITestOutputHelper output)
{
    private const string Shared = "shared-customer";

    private string NewLedgerDatabase()
    {
        cluster.Require();
        var db = cluster.CreateDatabase("fleet");
        using var conn = new Npgsql.NpgsqlConnection(cluster.ConnectionString(db));
        conn.Open();
        PostgreSqlLedgerSchema.Migrate(conn);
        return db;
    }

    private static (Process Process, Output Output) Start(string db, PostgresCluster cluster, int threads, int attempts, int customerCap, int channelCap, int holdMs)
    {
        var inv = CultureInfo.InvariantCulture;
        var process = ProcessKillTests.StartWriter("postgres:" + cluster.ConnectionString(db), "fleet",
            threads.ToString(inv), attempts.ToString(inv), customerCap.ToString(inv), channelCap.ToString(inv), holdMs.ToString(inv));
        return (process, new Output(process));
    }

    private HashSet<string> Committed(string db) =>
        [.. cluster.Psql(db, "SELECT customer || ' ' || idem_key FROM contact_ledger.contacts WHERE committed")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static long MonthStart => new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    [SkippableFact]
    public async Task Four_processes_x_eight_threads_never_exceed_a_customer_cap_or_a_channel_capacity()
    {
        var db = NewLedgerDatabase();
        // 4 × 8 × 20 = 640 attempts: 160 for the shared customer (cap 25), 480 for others; channel capacity 200.
        var writers = Enumerable.Range(0, 4).Select(_ => Start(db, cluster, 8, 20, 25, 200, 300_000)).ToList();
        foreach (var (process, _) in writers)
        {
            await WaitForExit(process, TimeSpan.FromMinutes(3));
        }
        var granted = writers.SelectMany(w => w.Output.CompleteLines()).Where(l => l is not "ready" and not "done").ToList();
        granted.Count(l => l.StartsWith(Shared + " ", StringComparison.Ordinal)).ShouldBe(25);
        granted.Count.ShouldBe(200);
        Committed(db).SetEquals(granted).ShouldBeTrue();
        cluster.Psql(db, "SELECT count(*) FROM contact_ledger.contacts").ShouldBe("200");
        using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(db));
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Killing_writers_at_random_moments_loses_no_acknowledged_commit_and_leaves_no_slot_held_past_expiry()
    {
        var db = NewLedgerDatabase();
        const int holdMs = 2000;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var writers = Enumerable.Range(0, 4).Select(_ => Start(db, cluster, 8, 1_000_000, 1_000_000, 10_000_000, holdMs)).ToList();
        // More than 80 commits over the fleet (each writer also prints one "ready"), not 20 per writer in turn: under
        // load a writer can start late or lose the race for the shared rows for a while, which is contention, not a
        // fault, and a per-writer wait timed out on it. Then each writer runs for a random while more and is killed.
        await Output.WaitForFleetLines([.. writers.Select(w => w.Output)], 80 + writers.Count + 1, TimeSpan.FromMinutes(2));
        foreach (var (process, _) in writers)
        {
            await Task.Delay(random.Next(0, 1500));
            process.Kill(entireProcessTree: true);
            await WaitForExit(process, TimeSpan.FromMinutes(1));
        }
        var confirmed = writers.SelectMany(w => w.Output.CompleteLines()).Where(l => l is not "ready" and not "done").ToList();
        confirmed.Count.ShouldBeGreaterThan(80);
        var committed = Committed(db);
        confirmed.Where(c => !committed.Contains(c)).ShouldBeEmpty();

        // Reservations the killed writers held are pending rows; once their hold is over they count for nothing.
        using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(db));
        var afterHolds = DateTimeOffset.UtcNow.AddMilliseconds(holdMs + 1000).UtcTicks;
        var pending = int.Parse(cluster.Psql(db, "SELECT count(*) FROM contact_ledger.contacts WHERE NOT committed"), CultureInfo.InvariantCulture);
        output.WriteLine($"{confirmed.Count} acknowledged, {committed.Count} committed, {pending} pending at kill");
        ledger.Measure(new CountConstraint(new ContactFilter(null, "sms", null, false), MonthStart, 10_000_000), afterHolds)
            .Count.ShouldBe(committed.Count);
        ledger.Measure(new CountConstraint(new ContactFilter(Shared, null, null, false), 0, 1_000_000), afterHolds)
            .Count.ShouldBe(committed.Count(c => c.StartsWith(Shared + " ", StringComparison.Ordinal)));
        ledger.VerifyIntegrity().ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task An_immediate_server_restart_mid_stream_loses_no_acknowledged_commit_over_contacts_no_one_and_recovers()
    {
        var db = NewLedgerDatabase();
        // 2 × 4 × 150 = 1,200 attempts: 300 for the shared customer (cap 25); channel capacity 400.
        var writers = Enumerable.Range(0, 2).Select(_ => Start(db, cluster, 4, 150, 25, 400, 60_000)).ToList();
        // 40 commits over the fleet (360 of the channel's 400 slots still free), not 40 per writer: a writer that starts
        // late can find the capacity taken by the other one and finish with few lines, which is the cap working.
        await Output.WaitForFleetLines([.. writers.Select(w => w.Output)], 40 + writers.Count, TimeSpan.FromMinutes(1));
        // Every writer has opened its ledger ("ready"): one still starting up when the server goes down would fail to
        // open it and exit with an unhandled LedgerUnavailableException, which is not what this test is about (under load
        // one writer can print all 40 lines before the other has started).
        foreach (var (_, output) in writers)
        {
            await Output.WaitForFleetLines([output], 1, TimeSpan.FromMinutes(1));
        }
        var beforeRestart = writers.Select(w => w.Output.LineCount).ToList();
        cluster.RestartImmediate();
        foreach (var (process, output) in writers)
        {
            await WaitForExit(process, TimeSpan.FromMinutes(3));
            process.ExitCode.ShouldBe(0, $"the writer failed: {await output.Stderr}");
        }
        var lines = writers.Select(w => w.Output.CompleteLines()).ToList();
        for (var i = 0; i < writers.Count; i++)
        {
            lines[i][^1].ShouldBe("done");
        }

        // The fleet kept committing after the server came back. Counted over the fleet, not per
        // writer: a writer whose remaining attempts all met a channel capacity the other one
        // had filled commits nothing more, and that is the cap working, not a lost ledger.
        lines.Sum(l => l.Count).ShouldBeGreaterThan(beforeRestart.Sum() + writers.Count);
        var acknowledged = lines.SelectMany(l => l).Where(l => l is not "ready" and not "done").ToList();
        var committed = Committed(db);
        committed.SetEquals(acknowledged).ShouldBeTrue();
        committed.Count(c => c.StartsWith(Shared + " ", StringComparison.Ordinal)).ShouldBe(25);
        committed.Count.ShouldBe(400);
        cluster.Psql(db, "SELECT count(*) FROM contact_ledger.contacts WHERE committed").ShouldBe("400");
    }

    private static async Task WaitForExit(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"writer {process.Id} did not finish within {timeout}: {process.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>Everything a writer printed; a line torn by a kill (no newline) is not a complete line.</summary>
    private sealed class Output
    {
        private readonly StringBuilder _text = new();
        private readonly Task _reader;
        private int _newlines;

        public Output(Process process)
        {
            _reader = Task.Run(async () =>
            {
                var buffer = new char[4096];
                int n;
                while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (_text)
                    {
                        _text.Append(buffer, 0, n);
                        _newlines += buffer.AsSpan(0, n).Count('\n');
                    }
                }
            });
            Stderr = process.StandardError.ReadToEndAsync();
        }

        public Task<string> Stderr { get; }

        public int LineCount => Volatile.Read(ref _newlines);

        /// <summary>Waits until the writers together printed <paramref name="count"/> lines (some may have finished).</summary>
        public static async Task WaitForFleetLines(IReadOnlyList<Output> fleet, int count, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (fleet.Sum(o => o.LineCount) < count)
            {
                if (fleet.All(o => o._reader.IsCompleted) || DateTime.UtcNow > until)
                {
                    throw new InvalidOperationException(
                        $"the writers printed {string.Join(" + ", fleet.Select(o => o.LineCount))} lines; stderr: {string.Join(" | ", fleet.Select(o => o.Stderr.IsCompleted ? o.Stderr.Result : ""))}");
                }
                await Task.Delay(20);
            }
        }

        public List<string> CompleteLines()
        {
            _reader.Wait(TimeSpan.FromSeconds(30));
            lock (_text)
            {
                var parts = _text.ToString().Split('\n');
                return [.. parts[..^1]];
            }
        }
    }
}

// Usage:
//   Writer <db> stream            reserve+commit distinct contacts forever; print each committed key after Commit returns
//   Writer <db> capped <attempts> try <attempts> reservations against a cap of 25 contacts for one customer; print granted keys
//   Writer <ledger> fleet <threads> <attempts> <customerCap> <channelCap> <holdMs>
//                                 <threads> tasks each try <attempts> reserve+commit; every 4th attempt is for
//                                 "shared-customer" (at most <customerCap> contacts a year), all go through channel sms
//                                 (at most <channelCap> a month). A lost ledger is retried with the same key. Prints
//                                 "<customer> <key>" after each successful commit, then "done".
// <ledger> is a SQLite file path, or "postgres:<connection string>" for the PostgreSQL ledger.
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.PostgreSql;

var path = args[0];
var mode = args.Length > 1 ? args[1] : "stream";
if (mode == "fleet")
{
    return Fleet.Run(path, args);
}
var source = new SourceLine("writer.owner", 1, "");
var policy = mode == "capped"
    ? new ContactPolicy("writer", "writer.owner", limits: [new ContactLimit(LimitScope.Contacts, 25, new TimeWindow(365, TimeUnit.Day), source)])
    : new ContactPolicy("writer", "writer.owner");
using var ledger = Fleet.Open(path);
// This writer retries a lost ledger itself (Retry below), so it asks the gate to throw rather
// than answer "ledger unavailable": a denied attempt would be one contact fewer, not a retry.
var gate = new ContactGate(policy, ledger, TimeProvider.System, TimeZoneInfo.Utc) { WhenLedgerUnavailable = LedgerUnavailableBehavior.Throw };
var pid = Environment.ProcessId;
var stdout = Console.Out;
stdout.WriteLine("ready");
stdout.Flush();
if (mode == "capped")
{
    var attempts = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    for (var i = 0; i < attempts; i++)
    {
        var key = $"p{pid}-{i}";
        var r = gate.TryReserve(new ContactRequest("shared-customer", "sms"), key);
        if (r.IsAllowed && gate.Commit(r.Reservation!) == CommitOutcome.Committed)
        {
            stdout.WriteLine(key);
            stdout.Flush();
        }
    }
    stdout.WriteLine("done");
    stdout.Flush();
    return 0;
}
for (var i = 0; ; i++)
{
    var key = $"w{i}";
    var r = gate.TryReserve(new ContactRequest("c" + (i % 97), "email", i % 3 == 0 ? "gold-card" : null), key);
    if (!r.IsAllowed || gate.Commit(r.Reservation!) != CommitOutcome.Committed)
    {
        throw new InvalidOperationException($"unexpected refusal for {key}: {r.Decision}");
    }
    stdout.WriteLine(key);
    stdout.Flush();
}

internal static class Fleet
{
    public static IContactLedger Open(string ledger) =>
        ledger.StartsWith("postgres:", StringComparison.Ordinal)
            ? new PostgreSqlContactLedger(ledger["postgres:".Length..])
            : new SqliteContactLedger(ledger);

    public static int Run(string ledgerArg, string[] args)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var threads = int.Parse(args[2], inv);
        var attempts = int.Parse(args[3], inv);
        var customerCap = int.Parse(args[4], inv);
        var channelCap = int.Parse(args[5], inv);
        var hold = TimeSpan.FromMilliseconds(int.Parse(args[6], inv));
        var source = new SourceLine("fleet.owner", 1, "");
        var policy = new ContactPolicy("fleet", "fleet.owner",
            limits: [new ContactLimit(LimitScope.Contacts, customerCap, new TimeWindow(365, TimeUnit.Day), source)],
            capacities: [new ChannelCapacity("sms", channelCap, TimeUnit.Month, source)]);
        using var ledger = Open(ledgerArg);
        // Retries a lost ledger itself (Retry below): a restart must not turn into denials.
        var gate = new ContactGate(policy, ledger, TimeProvider.System, TimeZoneInfo.Utc, hold) { WhenLedgerUnavailable = LedgerUnavailableBehavior.Throw };
        var pid = Environment.ProcessId;
        var output = Console.Out;
        var outputLock = new object();
        output.WriteLine("ready");
        output.Flush();
        var tasks = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < attempts; i++)
            {
                var customer = i % 4 == 0 ? "shared-customer" : $"c{pid}-{t}-{i}";
                var key = $"p{pid}-{t}-{i}";
                var reserved = Retry(() => gate.TryReserve(new ContactRequest(customer, "sms"), key));
                if (!reserved.IsAllowed)
                {
                    continue;
                }
                var outcome = Retry(() => gate.Commit(reserved.Reservation!));
                // After a lost connection the repeated commit may find its own earlier commit.
                if (outcome is CommitOutcome.Committed or CommitOutcome.AlreadyCommitted)
                {
                    lock (outputLock)
                    {
                        output.WriteLine($"{customer} {key}");
                        output.Flush();
                    }
                }
            }
        })).ToArray();
        Task.WaitAll(tasks);
        output.WriteLine("done");
        output.Flush();
        return 0;
    }

    /// <summary>A lost ledger (restart, failover) is retried with the same call: reserve and commit are idempotent.</summary>
    private static T Retry<T>(Func<T> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return call();
            }
            catch (LedgerUnavailableException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }
}

// Usage:
//   Writer <db> stream            reserve+commit distinct contacts forever; print each committed key after Commit returns
//   Writer <db> capped <attempts> try <attempts> reservations against a cap of 25 contacts for one customer; print granted keys
using AccountabilityDsl.Runtime;

var path = args[0];
var mode = args.Length > 1 ? args[1] : "stream";
var source = new SourceLine("writer.owner", 1, "");
var policy = mode == "capped"
    ? new ContactPolicy("writer", "writer.owner", limits: [new ContactLimit(LimitScope.Contacts, 25, new TimeWindow(365, TimeUnit.Day), source)])
    : new ContactPolicy("writer", "writer.owner");
using var ledger = new SqliteContactLedger(path);
var gate = new ContactGate(policy, ledger, TimeProvider.System, TimeZoneInfo.Utc);
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
    return;
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

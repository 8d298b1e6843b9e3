using System.Globalization;
using AccountabilityDsl.LedgerThroughput;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;

// Throughput and latency of the contact ledgers with N concurrent callers, pgbench side by side (docs/performance.md).
//   dotnet run -c Release --project bench/LedgerThroughput -- [--seconds 6] [--rounds 3] [--clients 1,8,32]
//                                                            [--sqlite-processes 1,4] [--scale 1] [--profile]
if (args is ["sqlite-worker", .. var workerArgs])
{
    return SqliteFleet.Worker(workerArgs);
}

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: LedgerThroughput [--seconds N] [--rounds N] [--clients 1,8,32] [--sqlite-processes 1,4] [--scale N] [--profile]");
    return 2;
}
var duration = TimeSpan.FromSeconds(options.Seconds);
var loadBefore = Machine.LoadAverage();

// fsync on: every acknowledged commit is on disk, for pgbench and the ledgers alike (the tests turn it off for speed).
using var cluster = new PostgresCluster(fsync: true);
if (!cluster.Available)
{
    Console.Error.WriteLine("cannot start PostgreSQL: " + cluster.MissingReason);
    return 1;
}
Console.CancelKeyPress += (_, _) => cluster.Dispose();
var serverVersion = cluster.Server("postgres", "--version").Trim();
Console.Error.WriteLine($"{serverVersion}, cluster in {cluster.Folder}; synchronous_commit={cluster.Psql("postgres", "SHOW synchronous_commit")}, fsync={cluster.Psql("postgres", "SHOW fsync")}");

var pgbench = new Pgbench(cluster, options.Scale);
pgbench.Initialize();
var ledgerDatabase = cluster.CreateDatabase("ledger");
using var profile = options.Profile ? new Profile(cluster.ConnectionString(), cluster.DataFolder) : null;
if (profile is not null)
{
    cluster.Psql("postgres", $"ALTER DATABASE {ledgerDatabase} SET track_functions = 'all'");
}
using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(ledgerDatabase), new PostgreSqlLedgerOptions(CreateIfMissing: true));
var gate = Workload.Gate(ledger);
var sqliteFolder = Directory.CreateTempSubdirectory("ledger-bench-sqlite-").FullName;
var sqlitePath = Path.Combine(sqliteFolder, "ledger.db");
new SqliteContactLedger(sqlitePath).Dispose();

var results = new Dictionary<string, List<Measurement>>();
void Record(string configuration, string? database, Func<Measurement> run)
{
    var sampled = database is null ? null : profile;
    sampled?.Start(database!);
    var m = run();
    var waits = sampled?.Stop(m.Operations);
    if (!results.TryGetValue(configuration, out var list))
    {
        results[configuration] = list = [];
    }
    list.Add(m);
    Console.Error.WriteLine($"{configuration,-24} {m}   load {Machine.LoadAverage()}");
    if (waits is not null)
    {
        Console.Error.WriteLine(waits);
    }
}

Measurement Ledger(int callers, string run, Func<ContactGate, string, string, bool> contact) => Measurement.RunCallers(callers, duration,
    (caller, i) => contact(gate, Workload.Customer(run), $"t{caller.ToString(CultureInfo.InvariantCulture)}-{i.ToString(CultureInfo.InvariantCulture)}"));

try
{
    // Warm-up (JIT, the pool's connections, statement preparation, pgbench's table in the cache), not recorded.
    Ledger(options.Clients.Max(), "warm", Workload.ReserveAndCommit);
    Ledger(options.Clients.Max(), "warm1", Workload.Record);
    pgbench.Run(options.Clients.Max(), TimeSpan.FromSeconds(2));

    for (var round = 0; round < options.Rounds; round++)
    {
        foreach (var clients in options.Clients)
        {
            // Alternate which side goes first, so that neither always runs after the other's writes.
            var ledgerFirst = round % 2 == 1;
            if (ledgerFirst)
            {
                Record($"ledger {clients}", ledgerDatabase, () => Ledger(clients, $"r{round}n{clients}", Workload.ReserveAndCommit));
            }
            Record($"pgbench {clients}", pgbench.Database, () => pgbench.Run(clients, duration));
            if (!ledgerFirst)
            {
                Record($"ledger {clients}", ledgerDatabase, () => Ledger(clients, $"r{round}n{clients}", Workload.ReserveAndCommit));
            }
            Record($"one-call {clients}", ledgerDatabase, () => Ledger(clients, $"r{round}o{clients}", Workload.Record));
        }
        foreach (var processes in options.SqliteProcesses)
        {
            Record($"sqlite {processes}", null, () => SqliteFleet.Run(sqlitePath, processes, duration, $"r{round}p{processes}"));
        }
    }
}
finally
{
    Directory.Delete(sqliteFolder, recursive: true);
}

if (profile is not null)
{
    Console.Error.WriteLine(Profile.Functions(cluster.ConnectionString(ledgerDatabase)));
}
var integrity = ledger.VerifyIntegrity();
Console.WriteLine(Report.Markdown(options, results, serverVersion, loadBefore, Machine.LoadAverage(), integrity));
return integrity.Count == 0 ? 0 : 1;


using System.Globalization;
using AccountabilityDsl.LedgerThroughput;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;

// Throughput and latency of the contact ledgers with N concurrent callers, pgbench side by side (docs/performance.md).
//   dotnet run -c Release --project bench/LedgerThroughput -- [--seconds 8] [--rounds 2] [--clients 1,8,32]
//                                                            [--sqlite-processes 1,4] [--scale 1]
if (args is ["sqlite-worker", .. var workerArgs])
{
    return SqliteFleet.Worker(workerArgs);
}

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: LedgerThroughput [--seconds N] [--rounds N] [--clients 1,8,32] [--sqlite-processes 1,4] [--scale N]");
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
using var ledger = new PostgreSqlContactLedger(cluster.ConnectionString(ledgerDatabase), new PostgreSqlLedgerOptions(CreateIfMissing: true));
var gate = Workload.Gate(ledger);
var sqliteFolder = Directory.CreateTempSubdirectory("ledger-bench-sqlite-").FullName;
var sqlitePath = Path.Combine(sqliteFolder, "ledger.db");
new AccountabilityDsl.Runtime.SqliteContactLedger(sqlitePath).Dispose();

var results = new Dictionary<string, List<Measurement>>();
void Record(string configuration, Measurement m)
{
    if (!results.TryGetValue(configuration, out var list))
    {
        results[configuration] = list = [];
    }
    list.Add(m);
    Console.Error.WriteLine($"{configuration,-24} {m}   load {Machine.LoadAverage()}");
}

Measurement Ledger(int callers, string run) => Measurement.RunCallers(callers, duration,
    (caller, i) => Workload.ReserveAndCommit(gate, Workload.Customer(run), $"t{caller.ToString(CultureInfo.InvariantCulture)}-{i.ToString(CultureInfo.InvariantCulture)}"));

try
{
    // Warm-up (JIT, the pool's connections, statement preparation, pgbench's table in the cache), not recorded.
    Ledger(options.Clients.Max(), "warm");
    pgbench.Run(options.Clients.Max(), TimeSpan.FromSeconds(2));

    for (var round = 0; round < options.Rounds; round++)
    {
        foreach (var clients in options.Clients)
        {
            // Alternate which side goes first, so that neither always runs after the other's writes.
            var ledgerFirst = round % 2 == 1;
            if (ledgerFirst)
            {
                Record($"ledger {clients}", Ledger(clients, $"r{round}n{clients}"));
            }
            Record($"pgbench {clients}", pgbench.Run(clients, duration));
            if (!ledgerFirst)
            {
                Record($"ledger {clients}", Ledger(clients, $"r{round}n{clients}"));
            }
        }
        foreach (var processes in options.SqliteProcesses)
        {
            Record($"sqlite {processes}", SqliteFleet.Run(sqlitePath, processes, duration, $"r{round}p{processes}"));
        }
    }
}
finally
{
    Directory.Delete(sqliteFolder, recursive: true);
}

var integrity = ledger.VerifyIntegrity();
Console.WriteLine(Report.Markdown(options, results, serverVersion, loadBefore, Machine.LoadAverage(), integrity));
return integrity.Count == 0 ? 0 : 1;


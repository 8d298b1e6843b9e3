using System.Globalization;
using System.Text.RegularExpressions;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>
/// pgbench's built-in simple-update script (<c>-N</c>: update one account, read it, insert a history row, commit)
/// against the benchmark's cluster, through the same unix socket the ledger uses. Latencies come from pgbench's
/// per-transaction log (<c>-l</c>), so its p50 and p99 are computed exactly like the ledger's.
/// </summary>
internal sealed partial class Pgbench(PostgresCluster cluster, int scale)
{
    private readonly string _database = cluster.CreateDatabase("pgbench");
    private int _runs;

    public string Database => _database;

    public void Initialize() =>
        cluster.Server("pgbench", [.. Connection(), "-i", "-q", "-s", scale.ToString(CultureInfo.InvariantCulture), _database]);

    public Measurement Run(int clients, TimeSpan duration)
    {
        var prefix = Path.Combine(cluster.Folder, "pgbench-log-" + Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture));
        var output = cluster.Server("pgbench", [.. Connection(), "-n", "-N",
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            // pgbench's client threads (C, one event loop each) on a 2-core machine: one per core at most.
            "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-l", "--log-prefix", prefix, _database]);
        var tps = TpsLine().Match(output);
        if (!tps.Success)
        {
            throw new InvalidOperationException("pgbench printed no tps line:\n" + output);
        }
        var latencies = new List<long>();
        foreach (var log in Directory.GetFiles(cluster.Folder, Path.GetFileName(prefix) + ".*"))
        {
            // "client_id transaction_no time script_no time_epoch time_us": time is the latency in microseconds.
            foreach (var line in File.ReadLines(log))
            {
                var fields = line.Split(' ');
                latencies.Add(long.Parse(fields[2], CultureInfo.InvariantCulture));
            }
            File.Delete(log);
        }
        var rate = double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        return new Measurement(latencies.Count, 0, latencies.Count / rate, [.. latencies]);
    }

    private string[] Connection() =>
        ["-h", cluster.Folder, "-p", cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres"];

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();
}

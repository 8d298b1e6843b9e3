using System.Globalization;
using System.Text;
using Npgsql;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>
/// <c>--profile</c>: what the server's backends of one database wait on during a run (pg_stat_activity sampled every
/// 20 ms: "CPU" when active and waiting on nothing, else the wait event, e.g. <c>Lock:advisory</c> for a stripe or
/// customer lock, <c>Lock:transactionid</c> for a row another transaction holds, <c>LWLock:WALWrite</c> and
/// <c>IO:WALSync</c> for the commit flush), the WAL written per operation, and at the end the time spent in each
/// ledger function.
/// </summary>
internal sealed class Profile : IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<string, int> _waits = [];
    private CancellationTokenSource _stop = new();
    private Task? _sampler;
    private long _walBefore;

    private readonly string _dataFolder;
    private double _serverCpuBefore;
    private TimeSpan _clientCpuBefore;
    private TimeSpan _clientSysBefore;

    public Profile(string connectionString, string dataFolder)
    {
        _dataFolder = dataFolder;
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
    }

    public void Start(string database)
    {
        _waits.Clear();
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        _walBefore = WalPosition();
        _serverCpuBefore = ServerCpuMs();
        _clientCpuBefore = Environment.CpuUsage.TotalTime;
        _clientSysBefore = Environment.CpuUsage.PrivilegedTime;
        _sampler = Task.Run(async () =>
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid();",
                _connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = database });
            while (!_stop.IsCancellationRequested)
            {
                await using (var reader = await cmd.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var wait = reader.GetString(0);
                        _waits[wait] = _waits.GetValueOrDefault(wait) + 1;
                    }
                }
                await Task.Delay(20);
            }
        });
    }

    /// <summary>Stops sampling; returns a one-line summary (WAL bytes per operation, share of sampled backend states).</summary>
    public string Stop(long operations)
    {
        _stop.Cancel();
        _sampler?.Wait();
        var wal = WalPosition() - _walBefore;
        // Backends that ended are in the postmaster's children times once it has reaped them.
        Thread.Sleep(200);
        var serverCpu = ServerCpuMs() - _serverCpuBefore;
        var clientCpu = (Environment.CpuUsage.TotalTime - _clientCpuBefore).TotalMilliseconds;
        var clientSys = (Environment.CpuUsage.PrivilegedTime - _clientSysBefore).TotalMilliseconds;
        var total = Math.Max(1, _waits.Values.Sum());
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"    server CPU {serverCpu / Math.Max(1, operations):F3} ms/op, this process {clientCpu / Math.Max(1, operations):F3} ms/op ({clientSys / Math.Max(1, operations):F3} in the kernel), {wal / Math.Max(1, operations)} WAL bytes/op; waits:"));
        foreach (var (wait, n) in _waits.OrderByDescending(w => w.Value).Take(6))
        {
            text.Append(CultureInfo.InvariantCulture, $" {wait} {100.0 * n / total:F0}%");
        }
        return text.ToString();
    }

    /// <summary>Time in each ledger function (track_functions = all), self and total, per call; then each ledger table's size and row versions.</summary>
    public static string Functions(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(
            "SELECT funcname, calls, total_time / calls, self_time / calls FROM pg_stat_user_functions WHERE calls > 0 ORDER BY total_time DESC;",
            connection);
        using var reader = cmd.ExecuteReader();
        var text = new StringBuilder("function: calls, total ms/call, self ms/call\n");
        while (reader.Read())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {reader.GetString(0),-16} {reader.GetInt64(1),9} {reader.GetDouble(2),8:F3} {reader.GetDouble(3),8:F3}");
        }
        reader.Close();
        // How the ledger's tables look after the run: a table that every call updates (the clock) shows here whether its
        // updates stay on their page (HOT) and how many dead row versions each scan of it has to step over.
        cmd.CommandText = "SELECT relname, pg_relation_size(relid) / 8192, n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables ORDER BY relname;";
        using var tables = cmd.ExecuteReader();
        text.AppendLine("table: pages, live rows, dead rows, updates, HOT updates");
        while (tables.Read())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {tables.GetString(0),-16} {tables.GetInt64(1),9} {tables.GetInt64(2),9} {tables.GetInt64(3),9} {tables.GetInt64(4),9} {tables.GetInt64(5),9}");
        }
        return text.ToString();
    }

    /// <summary>
    /// CPU time of the whole cluster: the postmaster with its ended children (backends, autovacuum workers) and its
    /// live children (backends, WAL writer, checkpointer…), from /proc in clock ticks (100 per second).
    /// </summary>
    private double ServerCpuMs()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_dataFolder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            // Fields after "(comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 with pid.
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (pid == postmaster)
            {
                ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)
                    + long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
            }
            else if (ppid == postmaster)
            {
                ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
            }
        }
        return ticks * 10.0;
    }

    private long WalPosition()
    {
        using var cmd = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint;", _connection);
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sampler?.Wait();
        _stop.Dispose();
        _connection.Dispose();
    }
}

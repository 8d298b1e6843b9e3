using System.Diagnostics;
using System.Globalization;
using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>
/// The SQLite ledger with N OS processes on one database file (its multi-process mode), one caller each. Every worker
/// is this program started again with <c>sqlite-worker</c>: it opens the ledger and warms up, then all of them start
/// at the same instant, run for the same duration, and hand back their latencies in a file.
/// </summary>
internal static class SqliteFleet
{
    public static Measurement Run(string databasePath, int processes, TimeSpan duration, string run)
    {
        var folder = Path.GetDirectoryName(databasePath)!;
        // Far enough ahead for every worker to start its runtime, open the ledger and warm up.
        var startAt = DateTimeOffset.UtcNow.AddSeconds(4).ToUnixTimeMilliseconds();
        var workers = new List<(Process Process, string Latencies)>();
        try
        {
            for (var p = 0; p < processes; p++)
            {
                var latencies = Path.Combine(folder, $"{run}-p{p}.latencies");
                var info = Self("sqlite-worker", databasePath, startAt.ToString(CultureInfo.InvariantCulture),
                    duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), latencies, $"{run}-p{p}");
                workers.Add((Process.Start(info) ?? throw new InvalidOperationException("could not start a worker"), latencies));
            }
            var rounds = new List<Measurement>();
            foreach (var (process, latencies) in workers)
            {
                var stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"sqlite worker exited with {process.ExitCode}: {stdout}");
                }
                var fields = stdout.Trim().Split(' ');
                rounds.Add(new Measurement(long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture),
                    double.Parse(fields[2], CultureInfo.InvariantCulture),
                    [.. File.ReadLines(latencies).Select(l => long.Parse(l, CultureInfo.InvariantCulture))]));
                File.Delete(latencies);
            }
            // The processes ran side by side: their operations add up over the same wall-clock span.
            return new Measurement(rounds.Sum(r => r.Operations), rounds.Sum(r => r.Denied), rounds.Max(r => r.Seconds),
                [.. rounds.SelectMany(r => r.LatenciesMicros)]);
        }
        finally
        {
            foreach (var (process, _) in workers)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
                process.Dispose();
            }
        }
    }

    /// <summary>The worker: <c>sqlite-worker db startAtUnixMs seconds latencyFile run</c>; prints "ops denied seconds".</summary>
    public static int Worker(string[] args)
    {
        var (path, startAt, seconds, latencyFile, run) = (args[0], long.Parse(args[1], CultureInfo.InvariantCulture),
            double.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4]);
        using var ledger = new SqliteContactLedger(path);
        var gate = Workload.Gate(ledger);
        for (var i = 0; i < 50; i++)
        {
            Workload.ReserveAndCommit(gate, Workload.Customer(run + "-warm"), "w" + i.ToString(CultureInfo.InvariantCulture));
        }
        var wait = startAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (wait > 0)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(wait));
        }
        var result = Measurement.RunCallers(1, TimeSpan.FromSeconds(seconds),
            (_, i) => Workload.ReserveAndCommit(gate, Workload.Customer(run), "k" + i.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllLines(latencyFile, result.LatenciesMicros.Select(l => l.ToString(CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Operations} {result.Denied} {result.Seconds}"));
        return 0;
    }

    /// <summary>This program again (through the apphost, or <c>dotnet</c> and the assembly when run that way).</summary>
    private static ProcessStartInfo Self(params string[] args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SqliteFleet).Assembly.Location);
        }
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }
}

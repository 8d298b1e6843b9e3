using System.Diagnostics;
using System.Globalization;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>What one configuration did in its fixed duration: completed operations and each one's latency.</summary>
internal sealed record Measurement(long Operations, long Denied, double Seconds, long[] LatenciesMicros)
{
    public double PerSecond => Operations / Seconds;

    /// <summary>The <paramref name="q"/>-quantile of the latencies in milliseconds (nearest rank).</summary>
    public double PercentileMs(double q)
    {
        if (LatenciesMicros.Length == 0)
        {
            return double.NaN;
        }
        var sorted = LatenciesMicros.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)] / 1000.0;
    }

    /// <summary>Several rounds of one configuration as one measurement (operations over the total time).</summary>
    public static Measurement Combine(IReadOnlyCollection<Measurement> rounds) => new(
        rounds.Sum(r => r.Operations), rounds.Sum(r => r.Denied), rounds.Sum(r => r.Seconds),
        [.. rounds.SelectMany(r => r.LatenciesMicros)]);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{PerSecond,9:F1}/s  p50 {PercentileMs(0.5),7:F2} ms  p99 {PercentileMs(0.99),7:F2} ms  ({Operations} ops, {Denied} denied, {Seconds:F1} s)");

    /// <summary>
    /// Runs <paramref name="callers"/> threads that call <paramref name="operation"/> (caller index, sequence number;
    /// false = denied) back to back for <paramref name="duration"/>. One thread per caller: the ledgers' API is
    /// synchronous, so a caller is a thread blocked on its round trip, as an app's request thread is.
    /// </summary>
    public static Measurement RunCallers(int callers, TimeSpan duration, Func<int, long, bool> operation)
    {
        var latencies = new List<long>[callers];
        var denied = new long[callers];
        var failures = new Exception?[callers];
        using var go = new ManualResetEventSlim();
        long start = 0;
        var threads = new Thread[callers];
        for (var t = 0; t < callers; t++)
        {
            var caller = t;
            latencies[caller] = new List<long>(4096);
            threads[t] = new Thread(() =>
            {
                go.Wait();
                var end = Volatile.Read(ref start) + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                try
                {
                    for (long i = 0; ; i++)
                    {
                        var before = Stopwatch.GetTimestamp();
                        if (before >= end)
                        {
                            return;
                        }
                        if (!operation(caller, i))
                        {
                            denied[caller]++;
                        }
                        latencies[caller].Add((Stopwatch.GetTimestamp() - before) * 1_000_000 / Stopwatch.Frequency);
                    }
                }
                catch (Exception e)
                {
                    failures[caller] = e;
                }
            })
            { IsBackground = true, Name = "caller " + caller };
            threads[t].Start();
        }
        Volatile.Write(ref start, Stopwatch.GetTimestamp());
        go.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw new InvalidOperationException("a caller failed: " + failure.Message, failure);
        }
        return new Measurement(latencies.Sum(l => l.Count), denied.Sum(), seconds, [.. latencies.SelectMany(l => l)]);
    }
}

using System.Globalization;
using System.Text;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>The Markdown tables for docs/performance.md.</summary>
internal static class Report
{
    public static string Markdown(Options options, Dictionary<string, List<Measurement>> results, string serverVersion,
        string loadBefore, string loadAfter, IReadOnlyList<string> integrity)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine.Cpu()}, .NET {Environment.Version}, {serverVersion}; fsync on, synchronous_commit on;");
        Line($"{options.Rounds} round(s) of {options.Seconds} s per configuration, interleaved; load average {loadBefore} before, {loadAfter} after.");
        Line($"");
        Line($"| callers | pgbench -N tps | pgbench p50 / p99 | reserve+commit /s | p50 / p99 | ratio to pgbench | median round (min–max) | per round | one call (TryRecord) /s | p50 / p99 | ratio to pgbench (median round) |");
        Line($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var clients in options.Clients)
        {
            var pgRounds = results[$"pgbench {clients}"];
            var ledgerRounds = results[$"ledger {clients}"];
            var pg = Measurement.Combine(pgRounds);
            var ledger = Measurement.Combine(ledgerRounds);
            var ratios = pgRounds.Zip(ledgerRounds, (p, l) => l.PerSecond / p.PerSecond).ToList();
            var perRound = string.Join(", ", ratios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)));
            var oneCallRounds = results[$"one-call {clients}"];
            var oneCall = Measurement.Combine(oneCallRounds);
            var oneCallMedian = Median(pgRounds.Zip(oneCallRounds, (p, o) => o.PerSecond / p.PerSecond));
            Line($"| {clients} | {pg.PerSecond:F0} | {pg.PercentileMs(0.5):F1} / {pg.PercentileMs(0.99):F1} ms | {ledger.PerSecond:F0} | {ledger.PercentileMs(0.5):F1} / {ledger.PercentileMs(0.99):F1} ms | **{ledger.PerSecond / pg.PerSecond:P0}** | **{Median(ratios):P0}** ({ratios.Min():P0}–{ratios.Max():P0}) | {perRound} | {oneCall.PerSecond:F0} | {oneCall.PercentileMs(0.5):F1} / {oneCall.PercentileMs(0.99):F1} ms | {oneCall.PerSecond / pg.PerSecond:P0} ({oneCallMedian:P0}) |");
        }
        Line($"");
        Line($"| SQLite processes | reserve+commit /s (all processes) | p50 / p99 |");
        Line($"|---:|---:|---:|");
        foreach (var processes in options.SqliteProcesses)
        {
            var sqlite = Measurement.Combine(results[$"sqlite {processes}"]);
            Line($"| {processes} | {sqlite.PerSecond:F0} | {sqlite.PercentileMs(0.5):F1} / {sqlite.PercentileMs(0.99):F1} ms |");
        }
        var denied = results.Where(r => !r.Key.StartsWith("pgbench", StringComparison.Ordinal)).Sum(r => r.Value.Sum(m => m.Denied));
        Line($"");
        Line($"Denied by a cap: {denied}. Ledger integrity after the run: {(integrity.Count == 0 ? "sound" : string.Join("; ", integrity))}.");
        return text.ToString();
    }

    /// <summary>The median round's ratio (the mean of the middle two for an even count): one noisy round cannot move it.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// <c>probe-runtime [slices] [ops]</c>: the <see cref="RuntimeBenchmarks"/> operations interleaved in one process —
/// every slice runs each mode for <c>ops</c> operations in rotating order — and, per mode, the median over slices of
/// its time relative to the rate limiter's in the same slice. On a shared, loaded machine the ratio within one slice
/// is far steadier than separate BenchmarkDotNet runs of each mode. Besides wall-clock time it reports the process's
/// CPU time per operation (every thread: the limiter's replenishment timer and the GC included), which a machine
/// shared with other jobs inflates far less than wall-clock time.
/// </summary>
internal static class RuntimeProbe
{
    public static void Run(int slices, int ops)
    {
        var bench = new RuntimeBenchmarks();
        bench.Setup();
        (string Name, Func<bool> Op)[] modes =
        [
            ("PartitionedRateLimiter(SlidingWindow) acquire", bench.RateLimiter),
            ("Floor: Dictionary lookup + Lock + store one time", bench.Floor),
            ("ContactGate TryRecord (one call)", bench.GateRecord),
            ("ContactGate TryReserve+Commit", bench.GateReserveCommit),
            ("ContactGate Check+TryReserve+Commit", bench.GateCheckReserveCommit),
        ];
        foreach (var (_, op) in modes)
        {
            for (var i = 0; i < ops; i++)
            {
                op();
            }
        }
        var nsPerOp = modes.Select(_ => new List<double>()).ToArray();
        var ratios = modes.Select(_ => new List<double>()).ToArray();
        var cpuPerOp = modes.Select(_ => new List<double>()).ToArray();
        var cpuRatios = modes.Select(_ => new List<double>()).ToArray();
        using var process = Process.GetCurrentProcess();
        for (var slice = 0; slice < slices; slice++)
        {
            var times = new double[modes.Length];
            var cpu = new double[modes.Length];
            for (var k = 0; k < modes.Length; k++)
            {
                var m = (slice + k) % modes.Length;
                var op = modes[m].Op;
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < ops; i++)
                {
                    op();
                }
                times[m] = watch.Elapsed.TotalNanoseconds / ops;
                process.Refresh();
                cpu[m] = (process.TotalProcessorTime - cpuBefore).TotalNanoseconds / ops;
            }
            for (var m = 0; m < modes.Length; m++)
            {
                nsPerOp[m].Add(times[m]);
                ratios[m].Add(times[m] / times[0]);
                cpuPerOp[m].Add(cpu[m]);
                cpuRatios[m].Add(cpu[m] / cpu[0]);
            }
        }
        bench.Cleanup();
        static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted[sorted.Count / 2];
        }
        Console.WriteLine($"| Mode ({slices} slices × {ops:N0} operations, interleaved) | Wall ns/op | Wall ratio | CPU ns/op | CPU ratio | CPU ratio range |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var m = 0; m < modes.Length; m++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {modes[m].Name} | {Median(nsPerOp[m]):F1} | {Median(ratios[m]):F2} | {Median(cpuPerOp[m]):F1} | {Median(cpuRatios[m]):F2} | {cpuRatios[m].Min():F2}–{cpuRatios[m].Max():F2} |"));
        }
    }
}

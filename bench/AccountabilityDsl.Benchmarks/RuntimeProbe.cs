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
    /// <summary>
    /// <c>probe-op MODE ops</c>: one operation alone (<c>limiter</c>, <c>floor</c>, <c>record</c>, <c>reserve</c>,
    /// <c>check-reserve</c>, <c>check3</c>, <c>check20</c>), for a profiler (perf) to attribute its time.
    /// </summary>
    public static void RunOne(string mode, int ops)
    {
        var bench = new RuntimeBenchmarks();
        bench.Setup();
        var policies = new ContactPolicyBenchmarks();
        policies.Setup();
        Func<bool> op = mode switch
        {
            "limiter" => bench.RateLimiter,
            "floor" => bench.Floor,
            "record" => bench.GateRecord,
            "reserve" => bench.GateReserveCommit,
            "check-reserve" => bench.GateCheckReserveCommit,
            "check3" => policies.ThreeLimits,
            "check20" => policies.TwentyLimits,
            "check20busy" => policies.TwentyLimitsBusyCustomer,
            "check" => () => bench.GateCheck(),
            _ => throw new ArgumentException($"unknown mode '{mode}'", nameof(mode)),
        };
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < ops; i++)
        {
            op();
        }
        var elapsed = watch.Elapsed;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode}: {elapsed.TotalNanoseconds / ops:F1} ns/op, {(double)allocated / ops:F1} B/op"));
        bench.Cleanup();
    }

    public static void Run(int slices, int ops)
    {
        var bench = new RuntimeBenchmarks();
        bench.Setup();
        Interleave(slices, ops,
        [
            ("PartitionedRateLimiter(SlidingWindow) acquire", bench.RateLimiter),
            ("Floor: Dictionary lookup + Lock + store one time", bench.Floor),
            ("ContactGate TryRecord (one call)", bench.GateRecord),
            ("ContactGate TryReserve+Commit", bench.GateReserveCommit),
            ("ContactGate Check+TryReserve+Commit", bench.GateCheckReserveCommit),
        ]);
        bench.Cleanup();
    }

    /// <summary><c>probe-policy [slices] [ops]</c>: the <see cref="ContactPolicyBenchmarks"/> decisions, interleaved the same way.</summary>
    public static void RunPolicies(int slices, int ops)
    {
        var bench = new ContactPolicyBenchmarks();
        bench.Setup();
        Interleave(slices, ops,
        [
            ("3 limits, no prior contacts", bench.ThreeLimits),
            ("20 limits, no prior contacts", bench.TwentyLimits),
            ("20 limits, 100 prior contacts", bench.TwentyLimitsBusyCustomer),
        ]);
    }

    /// <summary>Runs every mode <paramref name="ops"/> times per slice in rotating order and prints medians relative to the first mode.</summary>
    private static void Interleave(int slices, int ops, (string Name, Func<bool> Op)[] modes)
    {
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

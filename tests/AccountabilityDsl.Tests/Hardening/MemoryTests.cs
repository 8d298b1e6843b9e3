using System.Globalization;
using System.Runtime;
using System.Text;
using Xunit.Abstractions;

namespace AccountabilityDsl.Tests.Hardening;

/// <summary>Runs alone: no other test allocates while memory is sampled.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>
/// Peak managed memory of <see cref="PolicyCompilation.Create(Text.SourceText, IReadOnlyDictionary{string, Diagnostics.DiagnosticSeverity}?)"/>
/// against the size of the source, for the scale workloads of docs/performance.md ("Memory").
/// A sampler thread runs beside the compilation; two peaks are taken in two separate runs:
/// <list type="bullet">
/// <item><b>heap peak</b>: the largest <see cref="GC.GetTotalMemory(bool)"/> seen, sampled about
/// every millisecond without collecting, minus the heap before the run — what the process really
/// holds with the default GC, garbage not yet collected included;</item>
/// <item><b>live peak</b>: the sampler forces a full blocking collection about every 2 ms and takes
/// the largest heap left after it — the most the compiler keeps reachable at once.</item>
/// </list>
/// The text itself (2 bytes a character) is allocated before the baseline and not counted.
/// Figures are printed to the test output; the assertions are loose regression bounds.
/// </summary>
[Collection(nameof(MemoryCollection))]
[Trait("Category", "Slow")]
public sealed class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Assigned_2000_segments_stays_within_bounds() => Measure("Assigned(2000, 50)", AccountabilityDsl.Benchmarks.PolicyGenerator.Assigned(2000, 50), liveBound: 40, heapBound: 200);

    [Fact]
    public void Large_5_MiB_stays_within_bounds() => Measure("Large(5 MiB)", AccountabilityDsl.Benchmarks.PolicyGenerator.Large(5 * 1024 * 1024), liveBound: 40, heapBound: 200);

    private void Measure(string name, string text, double liveBound, double heapBound)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        PolicyCompilation.Create("policy Warm\nstages A\n").HasErrors.ShouldBeFalse(); // JIT and static data out of the way.

        (long heapPeak, long allocated, long retained) = Run(text, forceCollections: false);
        (long livePeak, _, _) = Run(text, forceCollections: true);

        double Ratio(long value) => (double)value / bytes;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: source {bytes / 1024.0:F0} KiB; live peak {livePeak / 1048576.0:F1} MiB ({Ratio(livePeak):F1}x); heap peak {heapPeak / 1048576.0:F1} MiB ({Ratio(heapPeak):F1}x); retained {retained / 1048576.0:F1} MiB ({Ratio(retained):F1}x); allocated {allocated / 1048576.0:F1} MiB ({Ratio(allocated):F1}x); server GC {GCSettings.IsServerGC}"));
        Ratio(livePeak).ShouldBeLessThan(liveBound);
        Ratio(heapPeak).ShouldBeLessThan(heapBound);
    }

    private static (long Peak, long Allocated, long Retained) Run(string text, bool forceCollections)
    {
        var source = AccountabilityDsl.Text.SourceText.From(text, "scale.owner");
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.IsSet)
            {
                long now = GC.GetTotalMemory(forceFullCollection: false);
                if (forceCollections)
                {
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                    now = GC.GetTotalMemory(forceFullCollection: false);
                }

                peak = Math.Max(peak, now);
                done.Wait(forceCollections ? 2 : 1);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        sampler.Start();
        PolicyCompilation compilation = PolicyCompilation.Create(source);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        done.Set();
        sampler.Join();
        compilation.HasErrors.ShouldBeFalse();
        long retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        peak = Math.Max(peak, retained + baseline);
        GC.KeepAlive(compilation);
        return (peak - baseline, allocated, retained);
    }
}

using System.Diagnostics;
using System.Text;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

[CollectionDefinition(nameof(LargeFileTests), DisableParallelization = true)]
public sealed class LargeFileCollection;

/// <summary>
/// Runs alone (no other test allocates meanwhile), so that the allocation and working-set
/// figures it measures are its own.
/// </summary>
[Collection(nameof(LargeFileTests))]
[Trait("Category", "Slow")]
public class LargeFileTests
{
    /// <summary>
    /// A generated 50 MB policy (owners, segments with predicates, accountable lines) parses
    /// without errors. Memory is measured and bounded: the ANTLR token buffer and parse tree for
    /// the whole file are alive at once, so it is heavy, but it must stay linear.
    /// </summary>
    [Fact]
    public void A_fifty_megabyte_policy_parses_without_errors()
    {
        var text = new StringBuilder(52 * 1024 * 1024 + 200);
        text.Append("policy Big namespace Load.Test\nattribute assets: decimal\nattribute tenure: int\nstages A -> B -> C\n");
        int groups = 0;
        while (text.Length < 50 * 1024 * 1024)
        {
            text.Append("owner Owner").Append(groups).Append(" \"Team ").Append(groups).Append("\"\n");
            text.Append("segment Segment").Append(groups).Append(" where assets >= ").Append(groups).Append(" and tenure < 5\n");
            text.Append("accountable Owner").Append(groups).Append(" for Segment").Append(groups).Append(" at A..C\n");
            groups++;
        }

        SourceText source = SourceText.From(text.ToString(), "big.owner");
#pragma warning disable IDE0059 // The assignment is read by the GC: the 50 MB builder must not count in the measured peak.
        text = null;
#pragma warning restore IDE0059
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        SyntaxTree tree = HostileInputTests.ParseWithin(source, TimeSpan.FromMinutes(5));
        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;

        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.Length.ShouldBe(4 + 3 * groups);
        Console.WriteLine($"50 MB policy: {source.Length:N0} chars, {tree.Declarations.Length:N0} declarations, "
            + $"{stopwatch.Elapsed.TotalSeconds:F1} s, {allocated / 1048576:N0} MB allocated, peak working set {peak / 1048576:N0} MB");

        // Measured alone: about 75 bytes allocated per character (3.8 GB for 52 MB: ANTLR tokens,
        // parse-tree contexts dropped after each declaration, the syntax model) and a peak working
        // set of 1.4 GB. The bounds catch anything worse than linear or a whole-file parse tree
        // kept alive again (that peaked at 3.1 GB).
        (allocated / source.Length).ShouldBeLessThan(150);
        peak.ShouldBeLessThan(2_500L * 1024 * 1024);
    }
}

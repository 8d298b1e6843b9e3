using System.Diagnostics;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Benchmarks;

/// <summary>`dotnet run -c Release -- regions N`: times the region algebra alone on the predicate workload.</summary>
internal static class RegionProbe
{
    public static void Run(string text)
    {
        var policy = PolicyCompilation.Create(text, "p.owner").Policy;
        for (int round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var regions = new SegmentRegions(policy);
            Console.WriteLine($"round {round}: regions built {sw.Elapsed.TotalMilliseconds:F1} ms");
            var all = policy.Segments.SelectMany(s => regions.RegionOf(s)!.Boxes).ToList();
            var gap = regions.Algebra.Subtract(regions.Algebra.All, new Region([.. all]));
            Console.WriteLine($"round {round}: complement of every segment {sw.Elapsed.TotalMilliseconds:F1} ms, {gap.Boxes.Length} gap boxes");
            if (round == 0)
            {
                var families = all.GroupBy(b => string.Join(",", Enumerable.Range(0, regions.Space.Rank).Where(d => !regions.Space.IsFull(d, b[d])))).OrderByDescending(f => f.Count());
                Console.WriteLine(string.Join(" ", families.Select(f => $"[{f.Key}]x{f.Count()}")));
            }

            sw.Restart();
            var cells = policy.Segments.Where(s => s.Name.StartsWith("Band")).SelectMany(s => regions.RegionOf(s)!.Boxes).ToList();
            gap = regions.Algebra.Subtract(regions.Algebra.All, new Region([.. cells]));
            Console.WriteLine($"round {round}: complement of the bands {sw.Elapsed.TotalMilliseconds:F1} ms, {gap.Boxes.Length} gap boxes");
        }
    }
}

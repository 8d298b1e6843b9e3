using System.Diagnostics;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- probe`: a quick Stopwatch look at the generated workloads while
/// developing. The figures in docs/performance.md come from the BenchmarkDotNet classes.
/// </summary>
public static class ScaleProbe
{
    public static void Run()
    {
        foreach (int segments in new[] { 200, 400, 800 })
        {
            string text = PolicyGenerator.Predicates(segments);
            Measure($"predicates {segments}", text);
        }

        Measure("large 5 MB", PolicyGenerator.Large(5 * 1024 * 1024));
    }

    private static void Measure(string name, string text)
    {
        PolicyCompilation compilation = PolicyCompilation.Create(text, "generated.owner");
        var stopwatch = Stopwatch.StartNew();
        int runs = 0;
        while (stopwatch.ElapsedMilliseconds < 2000 || runs < 2)
        {
            compilation = PolicyCompilation.Create(text, "generated.owner");
            runs++;
        }

        double perRun = stopwatch.Elapsed.TotalMilliseconds / runs;
        var ids = compilation.Diagnostics.GroupBy(d => d.Id).Select(g => $"{g.Key}x{g.Count()}");
        Console.WriteLine($"{name,-20} {text.Length / 1024,8} KiB {perRun,10:F1} ms/check  diagnostics: {string.Join(' ', ids)}");
    }
}

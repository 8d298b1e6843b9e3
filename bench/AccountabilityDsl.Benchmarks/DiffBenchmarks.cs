using AccountabilityDsl.Diff;
using BenchmarkDotNet.Attributes;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Issue 17's criterion: <c>ownerc diff</c> of two 200-segment predicate policies that differ in
/// one line (one segment's owner at every stage) must take under 1 s and at most 3 times one
/// <c>ownerc check</c> of the larger. The diff compiles both versions, as the command does.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class DiffBenchmarks
{
    private string _old = "";
    private string _new = "";

    [GlobalSetup]
    public void Setup() => (_old, _new) = Versions(200);

    /// <summary>A policy and the same policy with one line changed: the first accountable claim goes to another owner.</summary>
    public static (string Old, string New) Versions(int segments)
    {
        string old = PolicyGenerator.Predicates(segments);
        string[] lines = old.Split('\n');
        int claim = Array.FindIndex(lines, l => l.StartsWith("accountable Manager0 ", StringComparison.Ordinal));
        lines[claim] = "accountable Manager9 " + lines[claim]["accountable Manager0 ".Length..];
        return (old, string.Join('\n', lines));
    }

    [Benchmark(Baseline = true, Description = "ownerc check of the larger (baseline)")]
    public int Check() => PolicyCompilation.Create(_new.Length >= _old.Length ? _new : _old, "new.owner").Diagnostics.Length;

    /// <summary>As <c>ownerc diff</c> does it: the two versions compile side by side, then compare.</summary>
    [Benchmark(Description = "ownerc diff (compile both, compare)")]
    public int Diff()
    {
        Task<PolicyCompilation> before = Task.Run(() => PolicyCompilation.Create(_old, "old.owner"));
        PolicyCompilation after = PolicyCompilation.Create(_new, "new.owner");
        return PolicyDiffer.Compare(before.Result, after).Moves.Length;
    }
}

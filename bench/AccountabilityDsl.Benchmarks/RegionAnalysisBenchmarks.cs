using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using BenchmarkDotNet.Attributes;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Issue 3's criteria: a policy of 200 predicate segments over 10 attributes and 20 stages is
/// analysed in under a second on one core, and doubling the segments at most doubles the time
/// plus 20%. "Analyse" is every rule over the bound policy (the region rules dominate); the
/// whole check is measured too. Issue 14 adds the same policy with one segment in five defined
/// through other segments (<c>ThroughSegments</c>), which must stay under a second as well.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class RegionAnalysisBenchmarks
{
    private string _text = "";
    private BoundPolicy _policy = null!;

    [Params(200, 400, 800)]
    public int Segments { get; set; }

    [Params(false, true)]
    public bool ThroughSegments { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = PolicyGenerator.Predicates(Segments, attributes: 10, stages: 20, throughSegments: ThroughSegments);
        _policy = Binder.Bind(SyntaxTree.Parse(_text, "predicates.owner"));
    }

    [Benchmark(Description = "analyse (all rules)")]
    public int Analyse() => PolicyAnalyzer.Analyze(_policy).Length;

    [Benchmark(Description = "ownerc check (parse+bind+rules)")]
    public int Check() => PolicyCompilation.Create(_text, "predicates.owner").Diagnostics.Length;
}

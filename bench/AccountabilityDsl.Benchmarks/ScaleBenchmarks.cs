using BenchmarkDotNet.Attributes;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Issue 6's criteria: `ownerc check` of 2,000 assigned segments x 50 stages x 8,000
/// declarations in under a second of compiler time on one core; doubling the policy at most
/// doubles the time plus 20%; memory under 20 times the source size. The bare ANTLR lex+parse of
/// the same text is the baseline measured in the same run.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class ScaleBenchmarks
{
    private string _text = "";

    [Params(2000, 4000)]
    public int Segments { get; set; }

    [GlobalSetup]
    public void Setup() => _text = PolicyGenerator.Assigned(Segments, stages: 50);

    [Benchmark(Baseline = true, Description = "ANTLR lex+parse (baseline)")]
    public int AntlrLexAndParse() => AntlrBaseline.LexAndParse(_text);

    [Benchmark(Description = "ownerc check (parse+bind+rules)")]
    public int Check() => PolicyCompilation.Create(_text, "scale.owner").Diagnostics.Length;
}

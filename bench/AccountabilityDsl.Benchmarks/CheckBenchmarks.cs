using BenchmarkDotNet.Attributes;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Issue 2's criterion: checking a 5 MB generated policy (parse, bind, every rule) against the
/// bare ANTLR lex + parse of the same text (default prediction mode, parse tree built, no error
/// listeners): the check may take at most 1.5 times the baseline.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class CheckBenchmarks
{
    private string _text = "";

    [GlobalSetup]
    public void Setup() => _text = PolicyGenerator.Large(5 * 1024 * 1024);

    [Benchmark(Baseline = true, Description = "ANTLR lex+parse (baseline)")]
    public int AntlrLexAndParse() => AntlrBaseline.LexAndParse(_text);

    [Benchmark(Description = "ownerc check (parse+bind+rules)")]
    public int Check() => PolicyCompilation.Create(_text, "large.owner").Diagnostics.Length;
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// In-process short runs. The default toolchain builds a copy of this project under a generated
/// path, where the compiler project's ANTLR code generation cannot find its grammar; running in
/// process measures the same Release code without that rebuild. Short runs keep the suite
/// within minutes on the 2-core machines; ratios against a baseline from the same run are what
/// the docs report, since absolute times on shared machines are noisy.
/// </summary>
public sealed class InProcessShortRunConfig : ManualConfig
{
    public InProcessShortRunConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(RankColumn.Arabic);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

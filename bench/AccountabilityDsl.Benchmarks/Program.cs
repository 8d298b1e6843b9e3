using AccountabilityDsl.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["probe"])
{
    ScaleProbe.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyGenerator).Assembly).Run(args);

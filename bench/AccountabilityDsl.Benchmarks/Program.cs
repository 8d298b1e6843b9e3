using AccountabilityDsl.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["emit", var kind, var size])
{
    Console.Write(kind switch
    {
        "large" => PolicyGenerator.Large(int.Parse(size)),
        "assigned" => PolicyGenerator.Assigned(int.Parse(size)),
        "through" => PolicyGenerator.Predicates(int.Parse(size), throughSegments: true),
        _ => PolicyGenerator.Predicates(int.Parse(size)),
    });
    return;
}

if (args is ["regions", var n])
{
    RegionProbe.Run(PolicyGenerator.Predicates(int.Parse(n)));
    return;
}

if (args is ["parse", var file])
{
    ParseProbe.Run(file);
    return;
}

if (args is ["probe"])
{
    ScaleProbe.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyGenerator).Assembly).Run(args);

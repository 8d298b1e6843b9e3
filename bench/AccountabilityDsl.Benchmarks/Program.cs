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

if (args is ["diff", var segments])
{
    // A quick look before the BenchmarkDotNet run: one warm-up, then three timed runs of each.
    var (old, @new) = DiffBenchmarks.Versions(int.Parse(segments));
    for (int run = 0; run < 4; run++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AccountabilityDsl.PolicyCompilation.Create(@new, "new.owner");
        TimeSpan check = clock.Elapsed;
        clock.Restart();
        var before = Task.Run(() => AccountabilityDsl.PolicyCompilation.Create(old, "old.owner"));
        var after = AccountabilityDsl.PolicyCompilation.Create(@new, "new.owner");
        before.Wait();
        TimeSpan compiled = clock.Elapsed;
        var diff = AccountabilityDsl.Diff.PolicyDiffer.Compare(before.Result, after);
        Console.WriteLine($"check {check.TotalMilliseconds:F0} ms, diff {clock.Elapsed.TotalMilliseconds:F0} ms of which comparing {(clock.Elapsed - compiled).TotalMilliseconds:F0} ms ({diff.Moves.Length} moves, {diff.FindingsAdded.Length}+{diff.FindingsRemoved.Length} findings)");
    }

    return;
}

if (args is ["partitions"])
{
    PartitionSimulation.Print(Console.Out);
    return;
}

if (args is ["probe-runtime", var slices, var ops])
{
    RuntimeProbe.Run(int.Parse(slices), int.Parse(ops));
    return;
}

if (args is ["probe-policy", var policySlices, var policyOps])
{
    RuntimeProbe.RunPolicies(int.Parse(policySlices), int.Parse(policyOps));
    return;
}

if (args is ["probe-op", var mode, var count])
{
    RuntimeProbe.RunOne(mode, int.Parse(count));
    return;
}

if (args is ["probe"])
{
    ScaleProbe.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyGenerator).Assembly).Run(args);

namespace AccountabilityDsl.Tests.Infrastructure;

/// <summary>
/// How many inputs a fuzzer or property test runs: its CI default, or OWNER_FUZZ_ITERATIONS for
/// a longer local run (docs/fuzzing.md).
/// </summary>
public static class FuzzBudget
{
    public static int Iterations(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("OWNER_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : ciDefault;
}

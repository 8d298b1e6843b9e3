using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class SamplePolicyTests
{
    /// <summary>The language brief's complete example "checks clean".</summary>
    [Fact]
    public void The_retail_bank_sample_checks_clean()
    {
        string path = Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner");
        TestPolicy.Diagnostics(File.ReadAllText(path), "samples/retail-bank.owner").ShouldBe("(no diagnostics)\n");
    }
}

using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Samples;

/// <summary>Every policy in samples/ with its expected diagnostics, as a checked-in baseline.</summary>
public class SampleTests
{
    /// <summary>Every policy of samples/, named after its first file (a policy may be made of several files).</summary>
    public static TheoryData<string> Samples() =>
        [.. SamplePolicies().Select(c => c.SyntaxTree.FilePath).Order(StringComparer.Ordinal)];

    /// <summary>samples/ as ownerc reads it: files grouped into policies by the names in their headers.</summary>
    internal static IReadOnlyList<PolicyCompilation> SamplePolicies() =>
        AccountabilityDsl.Workspace.PolicyWorkspace.Open(["samples"], Baseline.RepoRoot).Compile();

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_diagnostics_match_the_baseline(string sample)
    {
        PolicyCompilation compilation = SamplePolicies().Single(c => c.SyntaxTree.FilePath == sample);
        // A policy of several files is named after its folder (samples/high-street-bank/...).
        string name = compilation.SyntaxTrees.Length == 1 ? Path.GetFileNameWithoutExtension(sample) : Path.GetFileName(Path.GetDirectoryName(sample))!;
        Baseline.Verify(Baseline.Render(compilation.Diagnostics), $"Samples/{name}.txt");
    }

    [Fact]
    public void The_retail_bank_from_the_design_brief_checks_clean() =>
        PolicyCompilation.Create(SourceText.FromFile(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner"))).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void Deleting_the_operations_line_reports_the_brief_s_vacuum_with_its_witness()
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner"));
        string without = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("accountable Operations", StringComparison.Ordinal)));
        // One finding per segment that lost its owner, each on that segment's declaration.
        var vacuums = TestPolicy.Compile(without).Diagnostics;
        vacuums.Select(d => d.Id).ShouldBe(["OWN0101", "OWN0101"]);
        vacuums.ShouldAllBe(d => d.Message.Contains("at Retention"));
        vacuums.Select(d => without.Substring(d.Location.Span.Start, d.Location.Span.Length)).ShouldBe(["MassMarket", "Newcomers"]);
        vacuums[0].Witness!.ToString().ShouldBe("assets = 0, tenure_years = 1, owns_boat = false, region = North");
    }

    [Fact]
    public void Adding_marketing_for_boaters_reports_the_brief_s_overlap_with_sales()
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")) + "\naccountable Marketing for Boaters at Active\n";
        var overlaps = TestPolicy.Compile(text).Diagnostics.Where(d => d.Id == "OWN0104").ToList();
        overlaps.ShouldContain(d => d.Message.Contains("overlaps MassMarket (accountable: Sales)"));
        overlaps.ShouldAllBe(d => d.Witness != null);
    }
}

using System.Text.RegularExpressions;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>The README's tour must stay true: its policy checks clean and its example output is what ownerc prints.</summary>
public partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "README.md")).ReplaceLineEndings("\n");

    private static string TourPolicy => TourBlock().Match(Readme).Groups[1].Value;

    [Fact]
    public void The_tour_policy_checks_clean()
    {
        using var temp = new TempFolder();
        temp.Write("retail.owner", TourPolicy);
        CliResult result = Ownerc.RunIn(temp.Path, "check", "retail.owner");
        result.ExitCode.ShouldBe(0, result.Stdout);
        result.Stdout.ShouldBe("no problems found in 1 file\n");
    }

    [Fact]
    public void Deleting_the_sales_line_prints_what_the_readme_shows()
    {
        using var temp = new TempFolder();
        string withoutSales = string.Join('\n', TourPolicy.Split('\n').Where(l => !l.StartsWith("accountable Sales", StringComparison.Ordinal)));
        temp.Write("retail.owner", withoutSales);
        CliResult result = Ownerc.RunIn(temp.Path, "check", "retail.owner");
        result.ExitCode.ShouldBe(1);
        string shown = ShownOutput().Match(Readme).Groups[1].Value;
        result.Stdout.ShouldBe(shown);
    }

    [GeneratedRegex("```owner\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex TourBlock();

    [GeneratedRegex("reports:\n\n```\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShownOutput();
}

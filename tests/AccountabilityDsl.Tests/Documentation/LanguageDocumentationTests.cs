using System.Text.RegularExpressions;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>Every complete policy shown in <c>docs/language.md</c> compiles clean with the real compiler.</summary>
public partial class LanguageDocumentationTests
{
    public static TheoryData<int> PolicyBlocks => [.. Enumerable.Range(0, Policies().Count)];

    [Theory]
    [MemberData(nameof(PolicyBlocks))]
    public void Every_policy_on_the_language_page_checks_clean(int index)
    {
        string policy = Policies()[index];
        PolicyCompilation compilation = TestPolicy.Compile(policy, "language.owner");
        compilation.Diagnostics.ShouldBeEmpty($"docs/language.md, policy block {index + 1}:\n{Baseline.Render(compilation.Diagnostics)}");
    }

    [Fact]
    public void The_language_page_shows_the_contact_policy_constructs() =>
        string.Join("\n", Policies()).ShouldSatisfyAllConditions(
            text => text.ShouldContain("group "),
            text => text.ShouldContain(" per household"),
            text => text.ShouldContain("never "),
            text => text.ShouldContain("requires consent"),
            text => text.ShouldContain("quiet "));

    /// <summary>The <c>```owner</c> blocks of the page that start with a <c>policy</c> header.</summary>
    private static List<string> Policies()
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs", "language.md")).Replace("\r\n", "\n");
        return [.. OwnerBlock().Matches(text).Select(m => m.Groups[1].Value).Where(b => b.StartsWith("policy ", StringComparison.Ordinal))];
    }

    [GeneratedRegex("```owner\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex OwnerBlock();
}

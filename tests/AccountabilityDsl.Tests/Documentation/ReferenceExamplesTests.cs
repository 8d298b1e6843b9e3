using System.Text.RegularExpressions;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>
/// Every <c>owner</c> code block in the language reference and the language decisions page
/// compiles as the page says: a plain <c>```owner</c> block checks clean (no diagnostic at all),
/// and <c>```owner expect=OWN0301,OWN0204</c> reports exactly those IDs (an ID listed n > 1 times
/// must be reported exactly n times). So a reader who copies an example gets what the page promised,
/// and a change to the language that breaks a page fails here. The reference also names every
/// keyword of the language and every diagnostic ID, so neither can be added without its documentation.
/// </summary>
public partial class ReferenceExamplesTests
{
    private static readonly string[] Pages = ["reference.md", "language.md"];

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (string page in Pages)
        {
            for (int i = 0; i < Blocks(page).Count; i++)
            {
                data.Add(page, i);
            }
        }

        return data;
    }

    [Fact]
    public void The_reference_has_examples() => Blocks("reference.md").Count.ShouldBeGreaterThanOrEqualTo(4);

    [Theory]
    [InlineData("reference.md")]
    [InlineData("language.md")]
    public void The_page_shows_the_contact_policy_constructs(string page) =>
        string.Join("\n", Blocks(page).Select(b => b.Text)).ShouldSatisfyAllConditions(
            text => text.ShouldContain("group "),
            text => text.ShouldContain(" per household"),
            text => text.ShouldContain(" in Affluent"),
            text => text.ShouldContain("never "),
            text => text.ShouldContain("requires consent"),
            text => text.ShouldContain("quiet "));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_compiles_as_the_page_says(string page, int index)
    {
        (int line, string[] expected, string text) = Blocks(page)[index];
        string[] reported = [.. TestPolicy.Compile(text, $"{page}:{line}").Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal)];
        string because = $"docs/{page}, the example at line {line}:\n{TestPolicy.Diagnostics(text, $"{page}:{line}")}";
        reported.Distinct().ShouldBe(expected.Distinct(), because);
        foreach (IGrouping<string, string> counted in expected.GroupBy(id => id).Where(g => g.Count() > 1))
        {
            reported.Count(id => id == counted.Key).ShouldBe(counted.Count(), because);
        }
    }

    public static TheoryData<string> DiagnosticIds() =>
        [.. DiagnosticCatalog.All.Concat(TestFileDiagnostics.All).Select(d => d.Id)];

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void The_reference_lists_every_diagnostic(string id) =>
        Page("reference.md").ShouldContain($"| [{id}](rules/{id}.md) |", customMessage: $"docs/reference.md, section Diagnostics, has no table row for {id}");

    /// <summary>Every reserved word of the language, read from the lexer.</summary>
    public static TheoryData<string> Keywords() =>
        [.. Enumerable.Range(OwnerLexer.POLICY, OwnerLexer.YEARS - OwnerLexer.POLICY + 1)
            .Select(type => OwnerLexer.DefaultVocabulary.GetLiteralName(type).Trim('\''))];

    [Theory]
    [MemberData(nameof(Keywords))]
    public void The_reference_shows_every_keyword(string keyword)
    {
        string text = Page("reference.md");
        string code = string.Join("\n", Blocks("reference.md").Select(b => b.Text).Concat(CodeSpan().Matches(text).Select(m => m.Value)));
        Regex.IsMatch(code, $@"\b{keyword}\b").ShouldBeTrue($"docs/reference.md shows the keyword '{keyword}' in no example or code span");
    }

    private static string Page(string page) => File.ReadAllText(Path.Combine(RulePage.Directory, "..", page)).ReplaceLineEndings("\n");

    private static List<(int Line, string[] Expected, string Text)> Blocks(string page)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RulePage.Directory, "..", page));
        var blocks = new List<(int, string[], string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].TrimEnd() != "```")
            {
                end++;
            }

            string[] expected = fence.Groups["ids"].Success
                ? [.. fence.Groups["ids"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim()).Order(StringComparer.Ordinal)]
                : [];
            blocks.Add((start, expected, string.Join('\n', lines[start..end]) + "\n"));
            i = end;
        }

        return blocks;
    }

    [GeneratedRegex(@"^```owner(?:\s+expect=(?<ids>[A-Z0-9,]+))?\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex("`[^`\n]+`")]
    private static partial Regex CodeSpan();
}

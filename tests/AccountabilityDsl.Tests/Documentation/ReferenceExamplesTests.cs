using System.Text.RegularExpressions;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>
/// Every <c>owner</c> code block in the language reference and the language decisions page
/// compiles as the page says: a plain <c>```owner</c> block checks clean (no diagnostic at all),
/// and <c>```owner expect=OWN0301,OWN0204</c> reports exactly those IDs. So a reader who copies an
/// example gets what the page promised, and a change to the language that breaks a page fails here.
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
        string[] reported = [.. TestPolicy.Compile(text, $"{page}:{line}").Diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal)];
        reported.ShouldBe(expected, $"docs/{page}, the example at line {line}:\n{TestPolicy.Diagnostics(text, $"{page}:{line}")}");
    }

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
}

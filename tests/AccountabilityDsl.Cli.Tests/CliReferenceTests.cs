using System.Text.RegularExpressions;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// docs/cli.md's command table lists every command <c>ownerc --help</c> lists, in the same order, and
/// each command has its section or its own page, so a new command cannot ship undocumented.
/// </summary>
public partial class CliReferenceTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs", "cli.md")).ReplaceLineEndings("\n");

    [Fact]
    public void The_command_table_lists_every_command_in_the_order_of_the_help()
    {
        string[] documented = [.. CommandRow().Matches(Page).Select(m => m.Groups["name"].Value)];
        documented.ShouldBe([.. CommandLine.Commands.Select(c => c.Name)], "docs/cli.md, the table under 'ownerc <command>'");
    }

    [Fact]
    public void Command_sections_come_before_the_contributors_section()
    {
        int contributors = Page.IndexOf("\n## For contributors", StringComparison.Ordinal);
        contributors.ShouldBeGreaterThan(0);
        foreach (Match section in CommandSection().Matches(Page))
        {
            section.Index.ShouldBeLessThan(contributors, $"docs/cli.md: '{section.Value.Trim()}' comes after 'For contributors'");
        }
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z]+)` \| available \|", RegexOptions.Multiline)]
    private static partial Regex CommandRow();

    [GeneratedRegex(@"^## `ownerc [a-z]+`", RegexOptions.Multiline)]
    private static partial Regex CommandSection();
}

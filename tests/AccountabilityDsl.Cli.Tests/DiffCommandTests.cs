using System.Diagnostics;
using System.Text.RegularExpressions;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>ownerc diff</c> end to end: inputs, formats, exit codes, and the README's example.</summary>
public partial class DiffCommandTests
{
    private static string RetailBank => File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")).ReplaceLineEndings("\n");

    /// <summary>
    /// A quarter's edit of the retail bank: affluent from 200k instead of 250k (MassMarket
    /// follows, Newcomers does not), boat loans for the South too and no longer approved by the
    /// affluent segment manager, and a fourth offer a year.
    /// </summary>
    internal static string EditedRetailBank => RetailBank
        .Replace("where assets >= 250000", "where assets >= 200000", StringComparison.Ordinal)
        .Replace("where assets < 250000 and tenure_years >= 1", "where assets < 200000 and tenure_years >= 1", StringComparison.Ordinal)
        .Replace("region in { North, East }", "region in { North, East, South }", StringComparison.Ordinal)
        .Replace("approved by Sales, AffluentSegmentManager", "approved by Sales", StringComparison.Ordinal)
        .Replace("at most 3 per 365 days", "at most 4 per 365 days", StringComparison.Ordinal);

    private static TempFolder EditedPair()
    {
        var temp = new TempFolder();
        temp.Write("old/retail-bank.owner", RetailBank);
        temp.Write("new/retail-bank.owner", EditedRetailBank);
        return temp;
    }

    [Theory]
    [InlineData("text", "edited.txt")]
    [InlineData("markdown", "edited.md")]
    [InlineData("json", "edited.json")]
    public void An_edited_sample_lists_moved_customers_offers_and_limits(string format, string baseline)
    {
        using TempFolder temp = EditedPair();
        CliResult result = Ownerc.RunIn(temp.Path, "diff", "old/retail-bank.owner", "new/retail-bank.owner", "--format", format);
        result.ExitCode.ShouldBe(1, "the edit adds overlap conflicts");
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, "Diff/" + baseline);
    }

    /// <summary>
    /// In Markdown, an indented line that is not a list item is a lazy continuation: GitHub joins it
    /// to the line before, so a declaration's second line read as the tail of the first.
    /// </summary>
    [Fact]
    public void Markdown_puts_every_indented_line_in_a_list_item_so_that_nothing_is_joined_to_the_line_before()
    {
        using TempFolder temp = EditedPair();
        string markdown = Ownerc.RunIn(temp.Path, "diff", "old/retail-bank.owner", "new/retail-bank.owner", "--format", "markdown").Stdout;
        string[] indented = [.. markdown.Split('\n').Where(line => line.StartsWith(' '))];
        indented.ShouldNotBeEmpty();
        indented.ShouldAllBe(line => line.TrimStart().StartsWith("- ", StringComparison.Ordinal));
        markdown.ShouldContain("  - old:\n    - old/retail-bank.owner(15): `segment Newcomers where assets < 250000 and tenure_years < 1`\n    - old/retail-bank.owner(33): ");
    }

    [Fact]
    public void A_sample_against_itself_reordered_says_no_change()
    {
        using var temp = new TempFolder();
        var lines = RetailBank.Split('\n').ToList();

        // Declarations in another order: owners and channels after the claims, attributes last.
        var moved = lines.Where(l => l.StartsWith("owner ", StringComparison.Ordinal) || l.StartsWith("channel ", StringComparison.Ordinal) || l.StartsWith("attribute ", StringComparison.Ordinal)).ToList();
        string reordered = string.Join('\n', lines.Except(moved).Concat(moved.AsEnumerable().Reverse())) + "\n";
        temp.Write("a.owner", RetailBank);
        temp.Write("b.owner", reordered);
        CliResult result = Ownerc.RunIn(temp.Path, "diff", "a.owner", "b.owner");
        result.Render().ShouldBe("exit code: 0\n--- stdout\na.owner -> b.owner: no change\nno change (1 policy compared)\n--- stderr\n");
    }

    [Fact]
    public void Folders_pair_policies_by_name_whatever_their_files_are_called_and_report_added_and_removed_ones()
    {
        using TempFolder temp = EditedPair();
        temp.Write("old/gone.owner", "policy Gone\nstages A\n");
        temp.Write("new/nested/added.owner", "policy Added\nstages A\n");
        // Renamed and reformatted: the same policy, no change.
        temp.Write("old/same.owner", "policy Same\nstages A\nsegment S\nowner O\naccountable O for * at *\n");
        temp.Write("new/renamed.owner", "policy   Same\n\nowner O\nsegment S\nstages A\naccountable O for S at A\n");
        // A file name one version gives another policy does not pair them.
        temp.Write("old/swap.owner", "policy First\nstages A\n");
        temp.Write("new/swap.owner", "policy Second\nstages A\n");
        CliResult result = Ownerc.RunIn(temp.Path, "diff", "old", "new");
        result.ExitCode.ShouldBe(1);
        Baseline.Verify(result.Render(), "Diff/folders.txt");
    }

    /// <summary>high-street-bank's three files against the same policy in one file: one policy, compared by what it decides.</summary>
    [Fact]
    public void A_policy_split_into_other_files_is_the_same_policy()
    {
        string sample = Path.Combine(Baseline.RepoRoot, "samples/high-street-bank");
        string Read(string file) => File.ReadAllText(Path.Combine(sample, file)).ReplaceLineEndings("\n");
        static string WithoutHeader(string text) => string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("policy ", StringComparison.Ordinal)));
        using var temp = new TempFolder();
        temp.Write("old/core.owner", Read("core.owner"));
        temp.Write("old/offers/boats.owner", Read("offers/boats.owner"));
        temp.Write("old/offers/mortgages.owner", Read("offers/mortgages.owner"));
        string merged = Read("core.owner") + "\n" + WithoutHeader(Read("offers/boats.owner")) + "\n" + WithoutHeader(Read("offers/mortgages.owner"));
        temp.Write("merged.owner", merged);

        CliResult same = Ownerc.RunIn(temp.Path, "diff", "old", "merged.owner");
        same.Render().ShouldBe("exit code: 0\n--- stdout\nold/core.owner, old/offers/boats.owner, old/offers/mortgages.owner -> merged.owner: no change\nno change (1 policy compared)\n--- stderr\n");

        // An edit shows each version's line in its own file.
        temp.Write("merged.owner", merged.Replace("      approved by Sales, AffluentSegmentManager\n\nlimit Remortgage", "      approved by Sales\n\nlimit Remortgage", StringComparison.Ordinal));
        CliResult changed = Ownerc.RunIn(temp.Path, "diff", "old", "merged.owner");
        changed.ExitCode.ShouldBeOneOf(0, 1);
        changed.Stderr.ShouldBeEmpty();
        static int LineOfOffer(string text) => text.Split('\n').ToList().FindIndex(l => l.StartsWith("offer Remortgage", StringComparison.Ordinal)) + 1;
        string offerLine = merged.Split('\n')[LineOfOffer(merged) - 1];
        changed.Stdout.ShouldContain("    Remortgage: approvals: drops AffluentSegmentManager\n"
            + $"      old: old/offers/mortgages.owner({LineOfOffer(Read("offers/mortgages.owner"))}): {offerLine}\n"
            + $"      new: merged.owner({LineOfOffer(merged)}): {offerLine}\n");

        // Swapped sides: the other way round.
        CliResult back = Ownerc.RunIn(temp.Path, "diff", "merged.owner", "old");
        back.Stdout.ShouldContain("Remortgage: approvals: adds AffluentSegmentManager");
    }

    [SkippableFact]
    public void Git_compares_the_working_tree_with_a_revision()
    {
        RequiredTool.Find("git", "git");
        using var temp = new TempFolder();
        temp.Write("policies/retail-bank.owner", RetailBank);
        Git(temp.Path, "init", "-q");
        Git(temp.Path, "add", ".");
        Git(temp.Path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first");
        temp.Write("policies/retail-bank.owner", EditedRetailBank);

        CliResult changed = Ownerc.RunIn(temp.Path, "diff", "--git", "HEAD");
        changed.ExitCode.ShouldBe(1);
        changed.Stdout.ShouldStartWith("HEAD:policies/retail-bank.owner -> policies/retail-bank.owner (policy RetailBank)\n");
        changed.Stdout.ShouldContain("owner change: Sales -> AffluentSegmentManager");

        CliResult same = Ownerc.RunIn(Path.Combine(temp.Path, "policies"), "diff", "--git", "HEAD", ".");
        same.ExitCode.ShouldBe(1);

        Git(temp.Path, "checkout", "-q", "--", ".");
        CliResult clean = Ownerc.RunIn(temp.Path, "diff", "--git", "HEAD");
        clean.Render().ShouldBe("exit code: 0\n--- stdout\nHEAD:policies/retail-bank.owner -> policies/retail-bank.owner: no change\nno change (1 policy compared)\n--- stderr\n");

        CliResult badRevision = Ownerc.RunIn(temp.Path, "diff", "--git", "no-such-branch");
        badRevision.ExitCode.ShouldBe(2);
        badRevision.Stderr.ShouldStartWith("ownerc: error: 'no-such-branch' is not a git revision of this repository\n");
    }

    [Theory]
    [InlineData(new[] { "diff" }, "ownerc: error: 'ownerc diff' needs the old and the new version\n")]
    [InlineData(new[] { "diff", "a.owner", "b.owner", "c.owner" }, "ownerc: error: 'ownerc diff' compares two versions, not 3\n")]
    [InlineData(new[] { "diff", "a.owner", "missing.owner" }, "ownerc: error: no such file or folder: 'missing.owner'\n")]
    [InlineData(new[] { "diff", "a.owner", "folder/none" }, "ownerc: error: no such file or folder: 'folder/none'\n")]
    [InlineData(new[] { "diff", "empty", "a.owner" }, "ownerc: error: no .owner files found in folder 'empty'\n")]
    [InlineData(new[] { "diff", "a.owner", "a.owner", "--format", "jsn" }, "ownerc: error: unknown format 'jsn' for 'ownerc diff'; use text, markdown or json (did you mean 'json'?)\n")]
    [InlineData(new[] { "diff", "a.owner", "a.owner", "--formt", "json" }, "ownerc: error: unknown option '--formt' for 'ownerc diff'; did you mean '--format'?\n")]
    public void Bad_usage_exits_2_with_one_clear_line(string[] args, string expected)
    {
        using var temp = new TempFolder();
        temp.Write("a.owner", RetailBank);
        temp.Write("folder/b.owner", RetailBank);
        Directory.CreateDirectory(Path.Combine(temp.Path, "empty"));
        CliResult result = Ownerc.RunIn(temp.Path, args);
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.Split('\n')[0].ShouldBe(expected.TrimEnd('\n'));
    }

    [Fact]
    public void The_readme_shows_a_real_diff_run()
    {
        string readme = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        Match shown = ReadmeDiff().Match(readme);
        shown.Success.ShouldBeTrue("README has a '$ ownerc diff old/retail-bank.owner retail-bank.owner' block");
        using var temp = new TempFolder();
        temp.Write("old/retail-bank.owner", RetailBank);
        temp.Write("retail-bank.owner", RetailBank.Replace("for MassMarket, Newcomers at Retention", "for MassMarket at Retention", StringComparison.Ordinal));
        CliResult result = Ownerc.RunIn(temp.Path, "diff", "old/retail-bank.owner", "retail-bank.owner");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldBe(shown.Groups[1].Value);
    }

    [Fact]
    public void The_diff_page_shows_a_real_diff_run()
    {
        string page = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs/diff.md")).ReplaceLineEndings("\n");
        Match shown = DocsDiff().Match(page);
        shown.Success.ShouldBeTrue("docs/diff.md has a '$ ownerc diff old/retail-bank.owner new/retail-bank.owner' block");
        using TempFolder temp = EditedPair();
        CliResult result = Ownerc.RunIn(temp.Path, "diff", "old/retail-bank.owner", "new/retail-bank.owner");
        result.Stdout.ShouldBe(shown.Groups[1].Value);
    }

    [GeneratedRegex(@"```\n\$ ownerc diff old/retail-bank.owner retail-bank.owner\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeDiff();

    [GeneratedRegex(@"```\n\$ ownerc diff old/retail-bank.owner new/retail-bank.owner\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocsDiff();

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);
    }
}

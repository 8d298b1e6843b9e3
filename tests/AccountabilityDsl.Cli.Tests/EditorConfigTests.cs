using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>.editorconfig</c> next to the policies changes what check reports and its exit code.</summary>
public class EditorConfigTests
{
    private const string Header = "root = true\n\n[*.owner]\n";

    [Fact]
    public void A_rule_made_a_warning_no_longer_fails_the_check()
    {
        using var temp = new TempFolder();
        temp.Write("policies/bank.owner", Policies.Conflict);
        Ownerc.RunIn(temp.Path, "check", "policies", "--format", "msbuild").ExitCode.ShouldBe(1);

        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = warning\n");
        CliResult result = Ownerc.RunIn(temp.Path, "check", "policies", "--format", "msbuild");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldBe("policies/bank.owner(8,1,8,41): warning OWN0102: Sales and Service (lines 7, 8) both claim Retail at Active; each segment and stage has exactly one accountable owner, so keep one claim\n");
        result.Stderr.ShouldBeEmpty();

        Ownerc.RunIn(temp.Path, "check", "policies", "--warnaserror").ExitCode.ShouldBe(1);
    }

    [Fact]
    public void None_hides_a_rule_and_suggestion_keeps_it_out_of_the_counts()
    {
        using var temp = new TempFolder();
        temp.Write("bank.owner", Policies.Conflict);

        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = none\n");
        Ownerc.RunIn(temp.Path, "check", ".").ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));

        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = suggestion\n");
        CliResult text = Ownerc.RunIn(temp.Path, "check", ".", "--warnaserror");
        text.ExitCode.ShouldBe(0);
        text.Stdout.ShouldContain("./bank.owner(8,1): suggestion OWN0102:");
        text.Stdout.ShouldEndWith("\n1 suggestion in 1 file\n");
        Ownerc.RunIn(temp.Path, "check", ".", "--format", "msbuild").Stdout.ShouldStartWith("./bank.owner(8,1,8,41): info OWN0102:");
        Ownerc.RunIn(temp.Path, "check", ".", "--format", "json").Stdout.ShouldContain("\"severity\": \"suggestion\"");
        Ownerc.RunIn(temp.Path, "check", ".", "--format", "sarif").Stdout.ShouldContain("\"level\": \"note\"");
    }

    [Theory]
    [InlineData("root = true\n", true)]
    [InlineData("ROOT:True ; ends the search\n", true)]
    [InlineData("  root =  true  # no further up\n", true)]
    [InlineData("root = false\n", false)]
    [InlineData("root = trueish\n", false)]
    [InlineData("rooted = true\n", false)]
    [InlineData("[*.owner]\nroot = true\n", false)]
    public void A_root_line_before_any_section_stops_the_search_upwards(string nearer, bool isRoot)
    {
        using var temp = new TempFolder();
        temp.Write("a/bank.owner", Policies.Conflict);
        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = warning\n");
        // The nearer file sets nothing about owner rules: only whether it is the root counts.
        temp.Write("a/.editorconfig", nearer);

        CliResult result = Ownerc.RunIn(temp.Path, "check", "a", "--format", "msbuild");
        result.ExitCode.ShouldBe(isRoot ? 1 : 0);
        result.Stdout.ShouldContain(isRoot ? "error OWN0102" : "warning OWN0102");
    }

    [Fact]
    public void A_nearer_editorconfig_wins_for_the_files_below_it()
    {
        using var temp = new TempFolder();
        temp.Write("a/bank.owner", Policies.Conflict);
        // Another policy name: files that name the same policy would be checked as one policy.
        temp.Write("b/bank.owner", Policies.Conflict.Replace("policy Conflict", "policy ConflictB"));
        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = warning\n");
        temp.Write("b/.editorconfig", "[*.owner]\nowner_diagnostic.OWN0102.severity = error\n");

        CliResult result = Ownerc.RunIn(temp.Path, "check", "a", "b", "--format", "msbuild");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("a/bank.owner(8,1,8,41): warning OWN0102");
        result.Stdout.ShouldContain("b/bank.owner(8,1,8,41): error OWN0102");
    }

    [Fact]
    public void A_bad_severity_is_an_OWN0009_warning_at_its_line_once_in_every_format()
    {
        using var temp = new TempFolder();
        temp.Write("one.owner", Policies.Valid);
        temp.Write("two.owner", Policies.Valid.Replace("policy Demo", "policy DemoTwo"));
        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = loud\n");

        const string Message = "'loud' is not a severity for OWN0102; use none, suggestion, warning or error";
        CliResult msbuild = Ownerc.RunIn(temp.Path, "check", ".", "--format", "msbuild");
        msbuild.ShouldBe(new CliResult(0, $".editorconfig(4,37,4,41): warning OWN0009: {Message}\n", ""));

        CliResult text = Ownerc.RunIn(temp.Path, "check", ".");
        text.ExitCode.ShouldBe(0);
        text.Stdout.ShouldStartWith($".editorconfig(4,37): warning OWN0009: {Message}\n");
        text.Stdout.ShouldContain("owner_diagnostic.OWN0102.severity = loud");

        CliResult json = Ownerc.RunIn(temp.Path, "check", ".", "--format", "json");
        json.Stdout.ShouldContain("\"id\": \"OWN0009\"");
        json.Stdout.ShouldContain("\"file\": \".editorconfig\"");
        json.Stdout.ShouldContain("\"line\": 4");

        CliResult sarif = Ownerc.RunIn(temp.Path, "check", ".", "--format", "sarif");
        sarif.Stdout.ShouldContain("\"ruleId\": \"OWN0009\"");
        sarif.Stdout.ShouldContain("\"startLine\": 4");

        Ownerc.RunIn(temp.Path, "check", ".", "--warnaserror", "--format", "msbuild").ShouldBe(
            new CliResult(1, $".editorconfig(4,37,4,41): error OWN0009: {Message}\n", ""));
    }

    [Fact]
    public void A_brace_glob_section_applies_to_every_pattern_it_lists()
    {
        using var temp = new TempFolder();
        temp.Write("bank.owner", Policies.Conflict);
        temp.Write("notes.txt", Policies.Conflict.Replace("policy Conflict", "policy Notes"));
        temp.Write(".editorconfig", "root = true\n\n[{*.owner,*.txt}]\nowner_diagnostic.OWN0102.severity = warning\n");

        CliResult result = Ownerc.RunIn(temp.Path, "check", "bank.owner", "notes.txt", "--format", "msbuild");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldBe(
            "bank.owner(8,1,8,41): warning OWN0102: Sales and Service (lines 7, 8) both claim Retail at Active; each segment and stage has exactly one accountable owner, so keep one claim\n"
            + "notes.txt(8,1,8,41): warning OWN0102: Sales and Service (lines 7, 8) both claim Retail at Active; each segment and stage has exactly one accountable owner, so keep one claim\n");
    }

    [Fact]
    public void The_checked_in_mixed_fixture_turns_duplicates_into_warnings()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/mixed/both.owner", "--format", "msbuild");
        result.Stdout.ShouldBe(
            $"{Ownerc.Fixtures}/mixed/both.owner(5,7,5,12): warning OWN0003: owner 'Sales' is already declared on line 4\n" +
            $"{Ownerc.Fixtures}/mixed/both.owner(7,13,7,22): error OWN0002: unknown owner 'Marketing'\n");
    }
}

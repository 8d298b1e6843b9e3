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

    [Fact]
    public void A_nearer_editorconfig_wins_for_the_files_below_it()
    {
        using var temp = new TempFolder();
        temp.Write("a/bank.owner", Policies.Conflict);
        temp.Write("b/bank.owner", Policies.Conflict);
        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = warning\n");
        temp.Write("b/.editorconfig", "[*.owner]\nowner_diagnostic.OWN0102.severity = error\n");

        CliResult result = Ownerc.RunIn(temp.Path, "check", "a", "b", "--format", "msbuild");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("a/bank.owner(8,1,8,41): warning OWN0102");
        result.Stdout.ShouldContain("b/bank.owner(8,1,8,41): error OWN0102");
    }

    [Fact]
    public void Configuration_problems_are_warnings_on_stderr_once()
    {
        using var temp = new TempFolder();
        temp.Write("one.owner", Policies.Valid);
        temp.Write("two.owner", Policies.Valid);
        temp.Write(".editorconfig", Header + "owner_diagnostic.OWN0102.severity = loud\n");

        CliResult result = Ownerc.RunIn(temp.Path, "check", ".");
        result.ExitCode.ShouldBe(0);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1);
        lines[0].ShouldStartWith("ownerc: warning: ");
        lines[0].ShouldEndWith(".editorconfig(4): 'loud' is not a severity; use none, suggestion, warning or error");
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

using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void No_diagnostics_exits_0() =>
        Ownerc.Run("check", $"{Ownerc.Fixtures}/valid/demo.owner").ExitCode.ShouldBe(0);

    [Theory]
    [InlineData("errors/mistakes.owner")]
    [InlineData("errors/conflict.owner")]
    [InlineData("mixed/both.owner")]
    public void An_error_diagnostic_exits_1(string fixture) =>
        Ownerc.Run("check", $"{Ownerc.Fixtures}/{fixture}").ExitCode.ShouldBe(1);

    [Fact]
    public void Warnings_alone_exit_0()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/mixed/only-warning.owner");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldContain("warning OWN0003");
        result.Stdout.ShouldEndWith("1 warning in 1 file\n");
    }

    [Fact]
    public void Warnaserror_turns_warnings_into_errors_and_exits_1()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/mixed/only-warning.owner", "--warnaserror");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("error OWN0003");
        result.Stdout.ShouldEndWith("1 error in 1 file\n");
        Ownerc.Run("check", "--warnaserror", $"{Ownerc.Fixtures}/mixed/only-warning.owner", "--format", "msbuild").Stdout
            .ShouldBe($"{Ownerc.Fixtures}/mixed/only-warning.owner(4,9,4,15): error OWN0003: segment 'Retail' is already declared on line 3\n");
    }

    [Fact]
    public void Warnaserror_changes_nothing_without_warnings() =>
        Ownerc.Run("check", $"{Ownerc.Fixtures}/valid", "--warnaserror").ExitCode.ShouldBe(0);

    [Theory]
    [InlineData("-", "ownerc: error: no such file or folder: '-' (policies are read from files, not from standard input: name a file or a folder)\n")]
    [InlineData("errors/*.owner", "ownerc: error: no such file or folder: 'errors/*.owner' (ownerc expands no wildcards: leave the pattern unquoted for the shell, or name the folder)\n")]
    public void An_input_that_names_nothing_says_what_was_probably_meant(string input, string stderr)
    {
        CliResult result = Ownerc.RunIn(Ownerc.FixturesFullPath, "check", input);
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe(stderr);
    }

    [Fact]
    public void A_read_error_is_described_without_repeating_the_path()
    {
        // /proc/self/mem exists but cannot be read from its start: .NET says "Input/output error : '<path>'".
        if (!File.Exists("/proc/self/mem"))
        {
            return;
        }

        CliResult result = Ownerc.Run("check", "/proc/self/mem");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: cannot read '/proc/self/mem': Input/output error\n");
    }

    [Fact]
    public void An_unreadable_input_exits_2_even_when_others_have_errors()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/errors", "missing.owner");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: no such file or folder: 'missing.owner'\n");
        // What could be read is still reported.
        result.Stdout.ShouldContain("error OWN0102");
    }
}

using System.Diagnostics;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// The real built <c>ownerc</c> as a child process (<c>dotnet ownerc.dll ...</c>), for what
/// in-process tests cannot show: exit codes as the shell sees them, the console wiring in
/// <c>Program.Main</c>, and no stack trace on stderr.
/// </summary>
[Trait("Category", "Slow")]
public class ProcessTests
{
    private static CliResult RunOwnerc(params string[] args)
    {
        string ownerc = Path.Combine(AppContext.BaseDirectory, "ownerc.dll");
        File.Exists(ownerc).ShouldBeTrue($"{ownerc} should be copied next to the tests by the project reference");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Baseline.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ownerc);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ownerc did not finish within two minutes");
        }

        return new CliResult(process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Exit_codes_as_the_shell_sees_them()
    {
        RunOwnerc("check", $"{Ownerc.Fixtures}/valid").ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));
        RunOwnerc("check", $"{Ownerc.Fixtures}/errors").ExitCode.ShouldBe(1);
        RunOwnerc("check", $"{Ownerc.Fixtures}/mixed/only-warning.owner", "--warnaserror", "--format", "msbuild").ExitCode.ShouldBe(1);
        RunOwnerc("check", "--format", "xml", $"{Ownerc.Fixtures}/valid").ExitCode.ShouldBe(2);
    }

    [Fact]
    public void A_missing_file_is_one_line_on_stderr_with_no_stack_trace()
    {
        CliResult result = RunOwnerc("check", "does/not/exist.owner");
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe("ownerc: error: no such file or folder: 'does/not/exist.owner'\n");
        result.Stderr.ShouldNotContain("   at ");
        result.Stderr.ShouldNotContain("Exception");
    }

    [Fact]
    public void Redirected_output_has_no_colour_and_is_the_same_as_in_process()
    {
        string[] args = ["check", $"{Ownerc.Fixtures}/errors", $"{Ownerc.Fixtures}/mixed"];
        CliResult child = RunOwnerc(args);
        child.Stdout.ShouldNotContain("\e[");
        child.ShouldBe(Ownerc.Run(args));
    }

    [Fact]
    public void Help_and_version()
    {
        RunOwnerc("--version").Stdout.ShouldStartWith("ownerc ");
        RunOwnerc("check", "--help").ShouldBe(new CliResult(0, Ownerc.Run("check", "--help").Stdout, ""));
    }
}

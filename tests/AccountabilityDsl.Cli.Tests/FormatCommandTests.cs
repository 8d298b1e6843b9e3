using System.Text;
using AccountabilityDsl.Cli.Commands;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>ownerc fmt</c>: rewriting in place, <c>--check</c>, refusing broken files, never losing a policy.</summary>
public class FormatCommandTests
{
    private const string Messy = "policy   Demo\nstages Prospect->Active\nsegment Retail // the only one\nowner Sales\naccountable Sales for * at *\n";

    private const string Formatted = "policy Demo\nstages Prospect -> Active\nsegment Retail // the only one\nowner Sales\naccountable Sales for * at *\n";

    private const string Broken = "policy Demo\nstages Prospect ->\nowner   Sales\n";


    [Fact]
    public void The_root_help_lists_fmt() =>
        Ownerc.Run("--help").Stdout.ShouldContain("  fmt       Rewrite policies in the canonical layout, keeping every comment.\n");

    [Fact]
    public void A_file_is_rewritten_in_place_silently()
    {
        using var temp = new TempFolder();
        string file = temp.Write("demo.owner", Messy);
        Ownerc.RunIn(temp.Path, "fmt", "demo.owner").ShouldBe(new CliResult(0, "", ""));
        File.ReadAllText(file).ShouldBe(Formatted);
        Directory.GetFiles(temp.Path).ShouldBe([file], "no temporary file is left behind");
    }

    [Fact]
    public void A_formatted_file_is_not_written_again()
    {
        using var temp = new TempFolder();
        string file = temp.Write("demo.owner", Formatted);
        var past = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, past);
        Ownerc.RunIn(temp.Path, "fmt", "demo.owner").ShouldBe(new CliResult(0, "", ""));
        File.GetLastWriteTimeUtc(file).ShouldBe(past);
    }

    [Fact]
    public void Check_lists_unformatted_files_writes_nothing_and_exits_1()
    {
        using var temp = new TempFolder();
        string messy = temp.Write("b/messy.owner", Messy);
        temp.Write("a/clean.owner", Formatted);
        temp.Write("c/also-messy.owner", Messy.Replace("\n", "\r\n"));
        CliResult result = Ownerc.RunIn(temp.Path, "fmt", "--check", ".");
        result.ShouldBe(new CliResult(1, "./b/messy.owner: not formatted\n./c/also-messy.owner: not formatted\n", ""));
        File.ReadAllText(messy).ShouldBe(Messy);
    }

    [Fact]
    public void Check_on_formatted_files_prints_nothing_and_exits_0()
    {
        using var temp = new TempFolder();
        temp.Write("clean.owner", Formatted);
        temp.Write("crlf.owner", Formatted.Replace("\n", "\r\n"));
        Ownerc.RunIn(temp.Path, "fmt", ".", "--check").ShouldBe(new CliResult(0, "", ""));
    }

    /// <summary>The samples are what the formatter writes: a reader copying one gets a formatted policy.</summary>
    [Fact]
    public void The_samples_are_formatted() =>
        Ownerc.Run("fmt", "--check", "samples/").ShouldBe(new CliResult(0, "", ""));

    [Fact]
    public void Folders_are_searched_and_every_file_is_formatted()
    {
        using var temp = new TempFolder();
        string one = temp.Write("policies/one.owner", Messy);
        string two = temp.Write("policies/nested/two.owner", Messy);
        string other = temp.Write("policies/notes.txt", "policy   NotAPolicy\n");
        Ownerc.RunIn(temp.Path, "fmt", "policies").ShouldBe(new CliResult(0, "", ""));
        File.ReadAllText(one).ShouldBe(Formatted);
        File.ReadAllText(two).ShouldBe(Formatted);
        File.ReadAllText(other).ShouldBe("policy   NotAPolicy\n");
    }

    [Fact]
    public void A_file_with_syntax_errors_is_reported_and_left_untouched_while_the_others_are_formatted()
    {
        using var temp = new TempFolder();
        string broken = temp.Write("broken.owner", Broken);
        string messy = temp.Write("messy.owner", Messy);
        CliResult result = Ownerc.RunIn(temp.Path, "fmt", "broken.owner", "messy.owner");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldBeEmpty();
        Baseline.Verify(result.Render(), "Format/syntax-errors.txt");
        File.ReadAllText(broken).ShouldBe(Broken);
        File.ReadAllText(messy).ShouldBe(Formatted);
    }

    [Fact]
    public void Check_reports_syntax_errors_too()
    {
        using var temp = new TempFolder();
        temp.Write("broken.owner", Broken);
        CliResult result = Ownerc.RunIn(temp.Path, "fmt", "--check", "broken.owner");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldEndWith("ownerc: error: 'broken.owner' has syntax errors; it was not formatted\n");
    }

    [Fact]
    public void A_file_that_is_not_valid_utf8_is_left_byte_for_byte_as_it_was()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "latin1.owner");
        byte[] bytes = [.. Encoding.UTF8.GetBytes("policy   Demo\nowner Sales \""), 0xE9, .. Encoding.UTF8.GetBytes("quipe\"\n")];
        File.WriteAllBytes(file, bytes);
        CliResult result = Ownerc.RunIn(temp.Path, "fmt", "latin1.owner");
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("error OWN0001: the file is not valid UTF-8");
        File.ReadAllBytes(file).ShouldBe(bytes);
    }

    [Fact]
    public void A_missing_input_exits_2_and_the_rest_is_still_formatted()
    {
        using var temp = new TempFolder();
        string messy = temp.Write("messy.owner", Messy);
        CliResult result = Ownerc.RunIn(temp.Path, "fmt", "missing.owner", "messy.owner");
        result.ShouldBe(new CliResult(2, "", "ownerc: error: no such file or folder: 'missing.owner'\n"));
        File.ReadAllText(messy).ShouldBe(Formatted);
    }

    [Theory]
    [InlineData(new[] { "fmt" }, "ownerc: error: no files or folders to format; usage: ownerc fmt <files or folders>... [--check]\n")]
    [InlineData(new[] { "fmt", "x.owner", "--chek" }, "ownerc: error: unknown option '--chek' for 'ownerc fmt'; did you mean '--check'?\n")]
    [InlineData(new[] { "fmt", "x.owner", "--check=yes" }, "ownerc: error: option '--check' does not take a value\n")]
    [InlineData(new[] { "fmt", "x.owner", "--write" }, "ownerc: error: unknown option '--write' for 'ownerc fmt'; run 'ownerc fmt --help' for the options\n")]
    public void Bad_usage_is_one_clear_error_and_exit_2(string[] args, string stderr) =>
        Ownerc.Run(args).ShouldBe(new CliResult(2, "", stderr));

    [Fact]
    public void Double_dash_ends_the_options()
    {
        using var temp = new TempFolder();
        string file = temp.Write("--check.owner", Messy);
        Ownerc.RunIn(temp.Path, "fmt", "--", "--check.owner").ShouldBe(new CliResult(0, "", ""));
        File.ReadAllText(file).ShouldBe(Formatted);
    }

    [Fact]
    public void A_failed_write_leaves_the_policy_intact_and_no_temporary_file()
    {
        using var temp = new TempFolder();
        string file = temp.Write("demo.owner", Messy);
        var command = new FormatCommand((_, _) => throw new IOException("No space left on device"));
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exitCode = command.Run(["demo.owner"], new CommandContext(stdout, stderr, temp.Path, UseColor: false));
        exitCode.ShouldBe(2);
        stdout.ToString().ShouldBeEmpty();
        stderr.ToString().ShouldBe("ownerc: error: cannot write 'demo.owner': No space left on device; the file was left as it was\n");
        File.ReadAllText(file).ShouldBe(Messy);
        Directory.GetFiles(temp.Path).ShouldBe([file]);
    }

    [Fact]
    public void A_read_only_policy_is_not_replaced()
    {
        using var temp = new TempFolder();
        string file = temp.Write("demo.owner", Messy);
        File.SetAttributes(file, FileAttributes.ReadOnly);
        try
        {
            CliResult result = Ownerc.RunIn(temp.Path, "fmt", "demo.owner");
            result.ShouldBe(new CliResult(2, "", "ownerc: error: cannot write 'demo.owner': the file is read-only; the file was left as it was\n"));
            File.ReadAllText(file).ShouldBe(Messy);
        }
        finally
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }
    }

    [Fact]
    public void An_unwritable_folder_leaves_the_policy_intact()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        string file = temp.Write("locked/demo.owner", Messy);
        string folder = Path.Combine(temp.Path, "locked");
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (CanCreateFileIn(folder))
            {
                return; // Running as root: permissions do not stop the write, nothing to test.
            }

            CliResult result = Ownerc.RunIn(temp.Path, "fmt", "locked/demo.owner");
            result.ExitCode.ShouldBe(2);
            result.Stderr.ShouldBe("ownerc: error: cannot write 'locked/demo.owner': permission denied; the file was left as it was\n");
            File.ReadAllText(file).ShouldBe(Messy);
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void The_byte_order_mark_line_endings_and_permissions_are_kept()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "bom.owner");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Messy.Replace("\n", "\r\n"))]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        Ownerc.RunIn(temp.Path, "fmt", "bom.owner").ExitCode.ShouldBe(0);
        File.ReadAllBytes(file).ShouldBe([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Formatted.Replace("\n", "\r\n"))]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
    }

    [Fact]
    public void A_symbolic_link_is_followed_and_stays_a_link()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        string real = temp.Write("real/demo.owner", Messy);
        string link = Path.Combine(temp.Path, "link.owner");
        File.CreateSymbolicLink(link, real);
        Ownerc.RunIn(temp.Path, "fmt", "link.owner").ShouldBe(new CliResult(0, "", ""));
        new FileInfo(link).LinkTarget.ShouldNotBeNull();
        File.ReadAllText(real).ShouldBe(Formatted);
    }

    [Fact]
    public void Every_sample_is_formatted_like_its_baseline()
    {
        using var temp = new TempFolder();
        string samples = Path.Combine(Baseline.RepoRoot, "samples");
        foreach (string sample in Directory.EnumerateFiles(samples, "*.owner", SearchOption.AllDirectories))
        {
            File.Copy(sample, Path.Combine(temp.Path, Path.GetFileName(sample)));
        }

        Ownerc.RunIn(temp.Path, "fmt", ".").ExitCode.ShouldBe(0);
        Ownerc.RunIn(temp.Path, "fmt", ".", "--check").ShouldBe(new CliResult(0, "", ""));
        string baselines = Path.Combine(Baseline.RepoRoot, "tests/AccountabilityDsl.Tests/Baselines/Formatting");
        foreach (string file in Directory.EnumerateFiles(temp.Path, "*.owner"))
        {
            File.ReadAllText(file).ShouldBe(File.ReadAllText(Path.Combine(baselines, Path.GetFileNameWithoutExtension(file) + ".txt")), file);
        }
    }

    private static bool CanCreateFileIn(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, ".probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>Help, version, and every way to get the command line wrong: one clear line on stderr, exit 2.</summary>
public partial class UsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Root_help(params string[] args)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout.Replace($"ownerc {CommandLine.Version} ", "ownerc <version> "), "Help/root.txt");
    }

    public static TheoryData<string> CommandNames => [.. CommandLine.Commands.Select(c => c.Name)];

    /// <summary>
    /// Every command's help, from the one place help is answered (before the command runs, so a
    /// command that serves or waits, such as serve or lsp, only prints it).
    /// </summary>
    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_prints_its_help(string command)
    {
        CliResult result = Ownerc.Run(command, "--help");
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, $"Help/{command}.txt");
        Ownerc.Run("help", command).ShouldBe(result);
    }

    [Theory]
    [InlineData("check", "--help")]
    [InlineData("check", "-h")]
    [InlineData("help", "check")]
    [InlineData("--help", "check")]
    [InlineData("-h", "check")]
    [InlineData("check", "some.owner", "--format", "json", "--help")]
    [InlineData("check", "--bogus", "--format", "xml", "-h")]
    public void Check_help(params string[] args)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, "Help/check.txt");
    }

    [Theory]
    [InlineData("help", "OWN0101")]
    [InlineData("help", "own0101")]
    [InlineData("--help", "OWN0101")]
    public void Help_with_a_diagnostic_id_prints_the_rule_page(params string[] args)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        result.Stdout.ShouldBe(File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs", "rules", "OWN0101.md")).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Every_diagnostic_the_compiler_and_the_test_runner_report_has_its_page_under_ownerc_help()
    {
        var ids = Analysis.DiagnosticCatalog.All.Concat(Testing.TestFileDiagnostics.All).Select(d => d.Id).ToList();
        ids.ShouldContain("OWN0903");
        foreach (string id in ids)
        {
            CliResult result = Ownerc.Run("help", id);
            result.ExitCode.ShouldBe(0, id);
            result.Stdout.ShouldStartWith($"# {id}: ");
        }
    }

    /// <summary>
    /// Every diagnostic ID the product defines, wherever it is defined (the compiler's catalog, the
    /// .owner-test runner, the MSBuild task's OWNBxxx codes, a Warning in the package's targets),
    /// found in the sources rather than listed here, so that a new ID without a page fails.
    /// </summary>
    [Fact]
    public void Every_diagnostic_id_the_product_defines_has_a_page_that_ownerc_help_prints()
    {
        string src = Path.Combine(Baseline.RepoRoot, "src");
        string[] ids = [.. Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".targets", StringComparison.Ordinal))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => DefinedId().Matches(File.ReadAllText(path)).Select(m => m.Groups["id"].Value))
            .Distinct()
            .Order(StringComparer.Ordinal)];
        ids.ShouldContain("OWN0009");
        ids.ShouldContain("OWN0903");
        ids.ShouldContain("OWNB006");
        ids.ShouldContain("OWNB007");
        foreach (string id in ids)
        {
            string page = Path.Combine(Baseline.RepoRoot, "docs", "rules", id + ".md");
            File.Exists(page).ShouldBeTrue($"{id} is defined in src/ but has no page docs/rules/{id}.md");
            CliResult result = Ownerc.Run("help", id);
            result.ShouldBe(new CliResult(0, File.ReadAllText(page).ReplaceLineEndings("\n"), ""), id);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:""|Code="")(?<id>OWNB?\d{3,4})""")]
    private static partial System.Text.RegularExpressions.Regex DefinedId();

    [Fact]
    public void Every_help_line_of_a_check_names_a_command_that_prints_that_rules_page()
    {
        // The samples' designed problems give a spread of IDs; each help line must work as printed.
        CliResult check = Ownerc.Run("check", Path.Combine(Baseline.RepoRoot, "samples"));
        string[] helpLines = [.. check.Stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("help: ", StringComparison.Ordinal)).Distinct()];
        helpLines.Length.ShouldBeGreaterThan(3);
        foreach (string line in helpLines)
        {
            string[] words = line["help: ".Length..].Split(' ');
            words.Length.ShouldBe(3, line);
            words[..2].ShouldBe(["ownerc", "help"], line);
            CliResult page = Ownerc.Run(words[1], words[2]);
            page.ExitCode.ShouldBe(0, line);
            page.Stdout.ShouldBe(File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs", "rules", words[2] + ".md")).ReplaceLineEndings("\n"), line);
        }
    }

    [Fact]
    public void Help_for_an_id_far_from_every_known_one_lists_the_ids()
    {
        CliResult result = Ownerc.Run("help", "OWN7777777");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldStartWith("ownerc: error: unknown diagnostic ID 'OWN7777777'\nhint: the diagnostic IDs are OWN0001, OWN0002,");
        result.Stderr.ShouldContain("OWN0302, OWN0901");
    }

    [Fact]
    public void Version()
    {
        CliResult result = Ownerc.Run("--version");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldMatch(@"^ownerc \d+\.\d+\.\d+\S*\n$");
    }

    [Fact]
    public void Version_takes_no_arguments()
    {
        CliResult result = Ownerc.Run("--version", "extra");
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe("ownerc: error: '--version' takes no arguments, but 'extra' follows it\nhint: run 'ownerc --version' alone\n");
    }

    [Fact]
    public void No_arguments_prints_the_help_to_stderr_and_exits_2()
    {
        CliResult result = Ownerc.Run();
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("Usage:");
    }

    [Theory]
    [InlineData(new[] { "chekc", "x.owner" }, "ownerc: error: unknown command 'chekc'\nhint: did you mean 'ownerc check'? Run 'ownerc --help' to see the commands\n")]
    [InlineData(new[] { "compile" }, "ownerc: error: unknown command 'compile'\nhint: run 'ownerc --help' to see the commands\n")]
    [InlineData(new[] { "--format", "json" }, "ownerc: error: unknown option '--format'; options come after the command\nhint: run 'ownerc --help' to see the commands, or 'ownerc check --help'\n")]
    [InlineData(new[] { "check" }, "ownerc: error: no files or folders to check; usage: ownerc check <files or folders>... [--format text|json|sarif|msbuild] [--warnaserror]\n")]
    [InlineData(new[] { "check", "x.owner", "--fromat", "json" }, "ownerc: error: unknown option '--fromat' for 'ownerc check'; did you mean '--format'?\n")]
    [InlineData(new[] { "check", "x.owner", "--verbose" }, "ownerc: error: unknown option '--verbose' for 'ownerc check'; run 'ownerc check --help' for the options\n")]
    [InlineData(new[] { "check", "x.owner", "--format", "xml" }, "ownerc: error: unknown format 'xml'; use text, json, sarif or msbuild\n")]
    [InlineData(new[] { "check", "x.owner", "--format=yaml" }, "ownerc: error: unknown format 'yaml'; use text, json, sarif or msbuild\n")]
    [InlineData(new[] { "check", "x.owner", "--format" }, "ownerc: error: option '--format' needs a value: text, json, sarif or msbuild\n")]
    [InlineData(new[] { "check", "x.owner", "--format", "--warnaserror" }, "ownerc: error: option '--format' needs a value: text, json, sarif or msbuild\n")]
    [InlineData(new[] { "check", "x.owner", "--warnaserror=true" }, "ownerc: error: option '--warnaserror' does not take a value\n")]
    [InlineData(new[] { "help", "OWN0019" }, "ownerc: error: unknown diagnostic ID 'OWN0019'\nhint: the OWN00xx diagnostics are OWN0001, OWN0002, OWN0003, OWN0004, OWN0005, OWN0006, OWN0007, OWN0008, OWN0009, OWN0010, OWN0020; run 'ownerc help' with one of them\n")]
    [InlineData(new[] { "help", "OWN0199" }, "ownerc: error: unknown diagnostic ID 'OWN0199'\nhint: the OWN01xx diagnostics are OWN0101, OWN0102, OWN0103, OWN0104, OWN0105, OWN0106, OWN0107, OWN0108; run 'ownerc help' with one of them\n")]
    [InlineData(new[] { "help", "own0910" }, "ownerc: error: unknown diagnostic ID 'own0910'\nhint: the OWN09xx diagnostics are OWN0901, OWN0902, OWN0903, OWN0904; run 'ownerc help' with one of them\n")]
    [InlineData(new[] { "help", "OWNB008" }, "ownerc: error: unknown diagnostic ID 'OWNB008'\nhint: the OWNB0xx diagnostics are OWNB001, OWNB002, OWNB003, OWNB004, OWNB005, OWNB006, OWNB007; run 'ownerc help' with one of them\n")]
    [InlineData(new[] { "--versoin" }, "ownerc: error: unknown option '--versoin'; did you mean '--version'?\n")]
    [InlineData(new[] { "--hlep" }, "ownerc: error: unknown option '--hlep'; did you mean '--help'?\n")]
    [InlineData(new[] { "-version" }, "ownerc: error: unknown option '-version'; did you mean '--version'?\n")]
    [InlineData(new[] { "lsp", "--stdoi" }, "ownerc: error: unknown option '--stdoi' for 'ownerc lsp'; did you mean '--stdio'?\n")]
    [InlineData(new[] { "test", "x.owner-test", "--fromat", "junit" }, "ownerc: error: unknown option '--fromat' for 'ownerc test'; did you mean '--format'?\n")]
    [InlineData(new[] { "diff", "a", "b", "--git=main", "--formt", "json" }, "ownerc: error: unknown option '--formt' for 'ownerc diff'; did you mean '--format'?\n")]
    [InlineData(new[] { "help", "OWN0101", "OWN0102" }, "ownerc: error: 'ownerc help OWN0101' takes no further arguments, but 'OWN0102' follows it\nhint: run 'ownerc help OWN0101' alone\n")]
    public void Bad_usage_is_one_clear_error_and_exit_2(string[] args, string stderr)
    {
        CliResult result = Ownerc.Run(args);
        result.ShouldBe(new CliResult(2, "", stderr));
    }

    [Theory]
    [InlineData("no-such-file.owner", "ownerc: error: no such file or folder: 'no-such-file.owner'\n")]
    [InlineData("no/such/folder", "ownerc: error: no such file or folder: 'no/such/folder'\n")]
    [InlineData(Ownerc.Fixtures + "/empty-of-policies", "ownerc: error: no .owner files found in folder '" + Ownerc.Fixtures + "/empty-of-policies'\n")]
    public void Missing_or_empty_inputs_exit_2_without_output(string path, string stderr) =>
        Ownerc.Run("check", path).ShouldBe(new CliResult(2, "", stderr));

    [Fact]
    public void Every_missing_input_is_reported()
    {
        CliResult result = Ownerc.Run("check", "a.owner", "b.owner", "--format", "json");
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe("ownerc: error: no such file or folder: 'a.owner'\nownerc: error: no such file or folder: 'b.owner'\n");
    }

    [Fact]
    public void Options_may_come_anywhere_and_double_dash_ends_them()
    {
        string file = $"{Ownerc.Fixtures}/errors/conflict.owner";
        CliResult expected = Ownerc.Run("check", file, "--format", "msbuild");
        Ownerc.Run("check", "--format=msbuild", file).ShouldBe(expected);
        Ownerc.Run("check", "-f", "msbuild", file).ShouldBe(expected);
        Ownerc.Run("check", "--format", "MSBuild", file).ShouldBe(expected);
        Ownerc.Run("check", "--format", "msbuild", "--", file).ShouldBe(expected);
        Ownerc.Run("check", "--", "--format").ShouldBe(new CliResult(2, "", "ownerc: error: no such file or folder: '--format'\n"));
    }
}

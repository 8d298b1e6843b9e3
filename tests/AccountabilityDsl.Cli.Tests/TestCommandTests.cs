using System.Text.RegularExpressions;
using System.Xml.Linq;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>ownerc test</c> end to end on the samples and on deliberately wrong tests.</summary>
public partial class TestCommandTests
{
    private const string Failing = Ownerc.Fixtures + "/policy-tests/failing";

    [Fact]
    public void The_samples_tests_pass()
    {
        CliResult result = Ownerc.Run("test", "samples/");
        result.ExitCode.ShouldBe(0, result.Stdout);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, "Test/samples.txt");
    }

    [Fact]
    public void Every_sample_has_a_test_file()
    {
        foreach (string policy in Directory.GetFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner"))
        {
            File.Exists(policy + "-test").ShouldBeTrue($"{Path.GetFileName(policy)} has no {Path.GetFileName(policy)}-test");
        }
    }

    [Fact]
    public void A_wrong_expectation_fails_with_expected_actual_and_the_policy_lines()
    {
        CliResult result = Ownerc.Run("test", Failing);
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain(
            "FAIL  tests/AccountabilityDsl.Cli.Tests/Fixtures/policy-tests/failing/retail-bank.owner-test(3): affluent customers are Sales' when active\n");
        result.Stdout.ShouldContain(
            "      line 6: expected accountable Sales at Active\n"
            + "              but AffluentSegmentManager is accountable at Active\n");
        result.Stdout.ShouldContain(
            "        tests/AccountabilityDsl.Cli.Tests/Fixtures/policy-tests/failing/retail-bank.owner(34): accountable AffluentSegmentManager for Affluent at Onboarding..Retention\n");
        result.Stdout.ShouldEndWith("0 passed, 4 failed\n");
        Baseline.Verify(result.Render(), "Test/failing.txt");
    }

    [Fact]
    public void Junit_reports_a_case_per_test_with_failures_and_errors()
    {
        CliResult result = Ownerc.Run("test", Failing, "--format", "junit");
        result.ExitCode.ShouldBe(1);
        XDocument report = XDocument.Parse(result.Stdout);
        XElement suites = report.Root!;
        suites.Attribute("tests")!.Value.ShouldBe("4");
        suites.Attribute("failures")!.Value.ShouldBe("2");
        suites.Attribute("errors")!.Value.ShouldBe("2");
        var cases = suites.Descendants("testcase").ToList();
        cases.Select(c => c.Attribute("name")!.Value).ShouldBe(["affluent customers are Sales' when active", "the third offer in a year waits", "names the policy does not have", "a misspelt step"]);
        cases[1].Element("failure")!.Attribute("message")!.Value.ShouldStartWith("line 11: expected offer BoatLoan to c1 via Email: denied by line 48, retry 2027-01-05, but offer BoatLoan to c1 via Email: allowed");
        cases[3].Element("error")!.Attribute("message")!.Value.ShouldBe("expected a step ('customer', 'expect' or 'at') or the next 'test', but found 'expct'; did you mean 'expect'?");
        Baseline.Verify(result.Stdout, "Test/failing.junit.xml");
    }

    [Fact]
    public void Output_option_writes_the_report_and_prints_the_summary()
    {
        using var temp = new TempFolder();
        CliResult result = Ownerc.Run("test", "samples/", "--format=junit", "-o", Path.Combine(temp.Path, "results.xml"));
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldBe("30 passed, 0 failed\n");
        XDocument.Load(Path.Combine(temp.Path, "results.xml")).Root!.Attribute("failures")!.Value.ShouldBe("0");
    }

    [Theory]
    [InlineData(new[] { "test" }, "ownerc: error: no test files; usage: ownerc test <files or folders>… [--format text|junit] [-o <file>]")]
    [InlineData(new[] { "test", "missing/" }, "ownerc: error: no such file or folder: 'missing/'")]
    [InlineData(new[] { "test", "src/" }, "ownerc: error: no .owner-test files found in folder 'src/'")]
    [InlineData(new[] { "test", "samples/", "--format", "junt" }, "ownerc: error: unknown format 'junt' for 'ownerc test'; use text or junit (did you mean 'junit'?)")]
    public void Bad_usage_exits_2(string[] args, string firstLine)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.Split('\n')[0].ShouldBe(firstLine);
    }

    [Fact]
    public void A_policy_with_name_errors_cannot_be_tested()
    {
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable Q for S at A\n");
        temp.Write("shop.owner-test", "test \"t\"\n  customer segment = S\n  expect accountable O at A\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("error OWN0904: policy Shop (./shop.owner) has syntax or name errors; run 'ownerc check ./shop.owner' and fix them first");
    }

    [Fact]
    public void A_step_the_policy_needs_more_for_is_an_error_not_a_crash()
    {
        // A limit scoped to a segment needs the customer's segments, which contact steps do not carry.
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\nchannel Email\nlimit Email per customer in S: at most 1 per 1 day\n");
        temp.Write("shop.owner-test", "test \"t\"\n  at 2026-01-05 09:00: contact c1 via Email: allowed\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("shop.owner-test(2,3): error OWN0903: this step cannot run against policy Shop: The limit 'Email contacts per customer in S: at most 1 per 1 day' (shop.owner:7) applies only to customers in S");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void The_readme_shows_a_real_test_run()
    {
        string readme = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        Match shown = ReadmeRun().Match(readme);
        shown.Success.ShouldBeTrue("README has a '$ ownerc test samples/retail-bank.owner-test' block");
        Ownerc.Run("test", "samples/retail-bank.owner-test").Stdout.ShouldBe(shown.Groups[1].Value);
    }

    [Fact]
    public void The_testing_page_shows_real_runs()
    {
        string page = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "docs/testing.md")).ReplaceLineEndings("\n");
        var runs = PageRun().Matches(page);
        runs.Count.ShouldBeGreaterThan(0);
        foreach (Match run in runs)
        {
            string[] args = run.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Ownerc.Run(args).Stdout.ShouldBe(run.Groups[2].Value, $"docs/testing.md: ownerc {run.Groups[1].Value}");
        }
    }

    [GeneratedRegex(@"```\n\$ ownerc test samples/retail-bank.owner-test\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeRun();

    [GeneratedRegex(@"```\n\$ ownerc ([^\n]*)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PageRun();
}

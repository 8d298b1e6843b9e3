using System.Text.RegularExpressions;
using System.Xml.Linq;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>ownerc test</c> end to end on the samples and on deliberately wrong tests.</summary>
public partial class TestCommandTests
{
    private const string Failing = Ownerc.Fixtures + "/policy-tests/failing";

    /// <summary>A policy of two files and a test file whose contact steps give the customer's segments, stage, household and consents.</summary>
    private const string ContactFacts = Ownerc.Fixtures + "/policy-tests/contact-facts";

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
    public void A_run_that_ran_no_test_is_not_a_success()
    {
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\n");
        temp.Write("shop.owner-test", "");
        temp.Write("commented.owner-test", "// test \"t\" comes later\n");

        Ownerc.RunIn(temp.Path, "test", "shop.owner-test").ShouldBe(new CliResult(1, "0 passed, 0 failed\n",
            "ownerc: error: no tests ran: 'shop.owner-test' holds none; a test starts with 'test \"name\"' (docs/testing.md)\n"));
        Ownerc.RunIn(temp.Path, "test", ".").ShouldBe(new CliResult(1, "0 passed, 0 failed\n",
            "ownerc: error: no tests ran: none of the 2 .owner-test files holds one; a test starts with 'test \"name\"' (docs/testing.md)\n"));

        // Beside files that do hold tests, an empty one is a warning: the run counts what it ran.
        temp.Write("shop.owner-test", "test \"t\"\n  customer segment = S\n  expect accountable O at A\n");
        CliResult mixed = Ownerc.RunIn(temp.Path, "test", ".");
        mixed.ExitCode.ShouldBe(0);
        mixed.Stdout.ShouldEndWith("1 passed, 0 failed\n");
        mixed.Stderr.ShouldBe("ownerc: warning: './commented.owner-test' holds no tests; a test starts with 'test \"name\"' (docs/testing.md)\n");
    }

    /// <summary>
    /// One policy in several files, some in subfolders (as samples/high-street-bank): a test file next
    /// to the policy's main file tests the whole policy, as 'ownerc check' of the folder compiles it.
    /// </summary>
    [Fact]
    public void A_policy_whose_files_are_in_subfolders_is_tested_whole()
    {
        using var temp = new TempFolder();
        temp.Write("bank/core.owner", "policy Bank\nstages A\nsegment S\nowner O\naccountable O for S at A\nchannel Email\n");
        temp.Write("bank/offers/loans.owner", "policy Bank\noffer Loan by O to S at A via Email\n");
        temp.Write("bank/limits/email.owner", "policy Bank\nlimit Email per customer: at most 1 per 7 days\n");
        temp.Write("bank/core.owner-test", "test \"one email a week\"\n  at 2026-01-05 09:00: offer Loan to c1 via Email: allowed\n"
            + "  at 2026-01-06 09:00: offer Loan to c1 via Email: denied by limits/email.owner line 2\n");
        Ownerc.RunIn(temp.Path, "check", "bank").ExitCode.ShouldBe(0);

        CliResult result = Ownerc.RunIn(temp.Path, "test", "bank");
        result.Stderr.ShouldBeEmpty();
        result.Stdout.ShouldBe("PASS  bank/core.owner-test(1): one email a week\n1 passed, 0 failed\n");
        result.ExitCode.ShouldBe(0);
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
    public void Contact_steps_give_segments_stage_household_and_consents_and_a_failure_names_its_file()
    {
        CliResult result = Ownerc.Run("test", ContactFacts);
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldBeEmpty();
        // The scoped limit, the household limit and consent decide with what the steps give.
        result.Stdout.ShouldContain($"PASS  {ContactFacts}/lending.owner-test(3): an affluent customer hears of one offer a month\n");
        result.Stdout.ShouldContain($"PASS  {ContactFacts}/lending.owner-test(8): a household shares two offers a month\n");
        // The wrong expectation is reported at its line, and the rules it involves in their own file of the policy.
        result.Stdout.ShouldContain(
            $"FAIL  {ContactFacts}/lending.owner-test(14): calls need consent, and the call centre is quiet at night\n"
            + "      line 18: expected offer Remortgage to c2 via CallCentre in MassMarket at Active consent CallCentre: denied by calls.owner line 4\n"
            + "               but offer Remortgage to c2 via CallCentre in MassMarket at Active consent CallCentre: denied by calls.owner line 5 (quiet CallCentre 20:00..09:00), retry 2026-03-03 09:00\n"
            + $"        {ContactFacts}/calls.owner(5): quiet CallCentre 20:00..09:00\n"
            + $"        {ContactFacts}/calls.owner(4): channel CallCentre capacity 100 per day requires consent\n");
        result.Stdout.ShouldEndWith("2 passed, 1 failed\n");
    }

    [Fact]
    public void Customer_facts_name_the_policy_s_segments_stages_and_channels()
    {
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\nchannel Email\nlimit Email per customer in S at A: at most 1 per 1 day\n");
        temp.Write("shop.owner-test", "test \"t\"\n  at 2026-01-05 09:00: contact c1 via Email in Sx at B consent Mail: allowed\n"
            + "test \"u\"\n  at 2026-01-05 10:00: contact c1 via Email at A in S: allowed\n  at 2026-01-05 11:00: contact c1 via Email in S at A in none: denied\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("./shop.owner-test(2,48): error OWN0902: policy Shop has no segment 'Sx'; did you mean 'S'?\n");
        result.Stdout.ShouldContain("./shop.owner-test(2,54): error OWN0902: policy Shop has no stage 'B'; did you mean 'A'?\n");
        result.Stdout.ShouldContain("./shop.owner-test(2,64): error OWN0902: policy Shop has no channel 'Mail'; did you mean 'Email'?\n");
        // Any order; each fact once.
        result.Stdout.ShouldContain("./shop.owner-test(5,55): error OWN0901: 'in' is given twice on this step; give it once\n");
        result.Stdout.ShouldNotContain("OWN0903");
    }

    [Fact]
    public void Accountability_failures_in_a_policy_of_several_files_cite_each_line_in_its_own_file()
    {
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\nowner P\n");
        temp.Write("owners.owner", "// who owns S\npolicy Shop\naccountable P for S at A\n");
        temp.Write("shop.owner-test", "test \"t\"\n  customer segment = S\n  expect accountable O at A\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("      line 3: expected accountable O at A\n              but P is accountable at A\n"
            + "        ./shop.owner(3): segment S\n        ./owners.owner(3): accountable P for S at A\n");
    }

    [Fact]
    public void A_step_the_policy_needs_more_for_is_an_error_not_a_crash()
    {
        // A limit scoped to a segment needs the customer's segments, which this step does not give.
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\nchannel Email\nlimit Email per customer in S: at most 1 per 1 day\n");
        temp.Write("shop.owner-test", "test \"t\"\n  at 2026-01-05 09:00: contact c1 via Email: allowed\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        // One sentence: the runtime's refusal is a clause of it, not a capitalised sentence in the middle.
        result.Stdout.ShouldContain("shop.owner-test(2,3): error OWN0903: this step cannot run against policy Shop: the limit 'Email contacts per customer in S: at most 1 per 1 day' (shop.owner:7) applies only to customers in S: "
            + "the request must carry the customer's segments (ContactRequest.Segments; the generated CreateRequest fills them from the customer record); "
            + "on a contact step, give the customer's segments with 'in Segment, …' ('in none'), the stage with 'at Stage', the household with 'household id' and the consented channels with 'consent Channel, …' ('consent none')\n");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void A_group_limit_reads_as_written_in_failures_and_diagnostics()
    {
        // The rule is quoted as a whole where it is quoted; the group's name inside it is not quoted again.
        using var temp = new TempFolder();
        temp.Write("shop.owner", "policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\nchannel Email\n"
            + "offer Loan by O to S at A via Email\noffer Card by O to S at A via Email\ngroup Lending: Loan, Card\n"
            + "limit Lending per customer in S: at most 1 per 30 days\n");
        temp.Write("shop.owner-test", "test \"t\"\n  at 2026-01-05 09:00: offer Loan to c1 via Email in S: allowed\n"
            + "  at 2026-01-06 09:00: offer Card to c1 via Email in S: allowed\n"
            + "test \"u\"\n  at 2026-01-05 09:00: offer Loan to c1 via Email: allowed\n");
        CliResult result = Ownerc.RunIn(temp.Path, "test", ".");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("but offer Card to c1 via Email in S: denied by line 10 (group Lending per customer in S: at most 1 per 30 days), retry 2026-02-04 09:00\n");
        result.Stdout.ShouldContain("error OWN0903: this step cannot run against policy Shop: the limit 'group Lending per customer in S: at most 1 per 30 days' (shop.owner:10) applies only to customers in S");
        result.Stdout.ShouldNotContain("'Lending'");
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

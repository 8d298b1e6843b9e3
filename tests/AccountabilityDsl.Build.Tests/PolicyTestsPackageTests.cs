using AccountabilityDsl.Build.Tests.Infrastructure;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// <c>OwnerRunTests=true</c>: the package runs a project's <c>.owner-test</c> files on build,
/// through the runner <c>ownerc test</c> uses. Failures are build errors in MSBuild's canonical
/// format, passing tests say nothing, and a passing project does not run them again.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class PolicyTestsPackageTests(PackedFeed feed)
{
    private const string SkippedLine = "Skipping target \"RunOwnerPolicyTests\" because all output files are up-to-date";

    private const string TinyPolicy = """
        // Two revenue bands, a team each.
        policy Tiny namespace Demo.Tiny

        attribute revenue: decimal

        segment Small where revenue < 100000
        segment Large where revenue >= 100000

        stages Active

        owner SmallTeam
        owner LargeTeam

        accountable SmallTeam for Small at Active
        accountable LargeTeam for Large at Active
        """;

    /// <summary>The second test's last expectation (line 8) is wrong: LargeTeam owns large customers.</summary>
    private const string TinyTests = """
        test "small customers belong to the small team"
          customer revenue = 5000
          expect accountable SmallTeam at Active

        test "large customers belong to the small team too"
          customer revenue = 500000
          expect segments Large
          expect accountable SmallTeam at Active
        """;

    /// <summary>For samples/high-street-bank, whose Remortgage limit is in offers/mortgages.owner: the test file is next to core.owner.</summary>
    private const string BankTests = """
        test "a remortgage once in 180 days, its rule in a subfolder"
          at 2026-01-05 09:00: offer Remortgage to c1 via DirectMail: allowed
          at 2026-02-05 09:00: offer Remortgage to c1 via DirectMail: denied by offers/mortgages.owner line 7
        """;

    private const string Program = """
        Console.WriteLine(Demo.Tiny.TinyPolicy.AccountableFor(Demo.Tiny.TinyPolicy.Segment.Large, Demo.Tiny.TinyPolicy.Stage.Active));
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public void OwnerRunTests_reports_failed_expectations_as_build_errors_at_their_line_and_is_quiet_and_incremental_when_they_pass()
    {
        var app = new ConsumerProject(feed, "policy-tests", Program);
        string samples = Path.Combine(DotNet.RepoRoot, "samples");
        app.Write("policies/retail-bank.owner", File.ReadAllText(Path.Combine(samples, "retail-bank.owner")));
        app.Write("policies/retail-bank.owner-test", File.ReadAllText(Path.Combine(samples, "retail-bank.owner-test")));
        app.Write("tiny/tiny.owner", TinyPolicy);
        app.Write("tiny/tiny.owner-test", TinyTests);
        app.Write("tiny/misspelt.owner-test", "test \"a misspelt step\"\n  expct segments Small\n");
        // A policy whose files are partly in subfolders is tested whole, as ownerc test tests it.
        foreach (string file in new[] { "core.owner", "offers/boats.owner", "offers/mortgages.owner" })
        {
            app.Write($"bank/{file}", File.ReadAllText(Path.Combine(samples, "high-street-bank", file)));
        }

        app.Write("bank/core.owner-test", BankTests);
        string tinyTests = Path.Combine(app.Directory, "tiny", "tiny.owner-test");
        string misspelt = Path.Combine(app.Directory, "tiny", "misspelt.owner-test");

        // Off by default: the policies build, the tests do not run.
        ProcessResult off = app.Build();
        off.ExitCode.ShouldBe(0, off.ToString());
        off.Output.ShouldNotContain("owner-test");

        // What ownerc test says about the same files (the same runner).
        var cliOut = new StringWriter();
        Cli.CommandLine.Run(["test", "tiny"], cliOut, new StringWriter(), app.Directory).ShouldBe(1);
        cliOut.ToString().ShouldContain("line 8: expected accountable SmallTeam at Active\n", Case.Sensitive);
        cliOut.ToString().ShouldContain("but LargeTeam is accountable at Active\n", Case.Sensitive);

        ProcessResult failed = app.Build("-p:OwnerRunTests=true");
        failed.ExitCode.ShouldNotBe(0, failed.ToString());
        failed.Output.ShouldContain(
            $"{tinyTests}(8): error OWNB006: test \"large customers belong to the small team too\" failed: expected accountable SmallTeam at Active, but LargeTeam is accountable at Active",
            Case.Sensitive, failed.ToString());
        // The policy lines involved follow the error.
        failed.Output.ShouldContain("tiny.owner(15): accountable LargeTeam for Large at Active", Case.Sensitive, failed.ToString());
        // A test file's own errors are its diagnostics, with line and column.
        failed.Output.ShouldContain($"{misspelt}(2,3,2,8): error OWN0901: expected a step", Case.Sensitive, failed.ToString());
        // Passing tests (the first of tiny's, every one of the sample's) say nothing.
        failed.Output.ShouldNotContain("small customers belong to the small team");
        failed.Output.ShouldNotContain("retail-bank.owner-test");
        failed.Output.ShouldNotContain("core.owner-test");
        ErrorLines(failed, "OWNB006").ShouldBe(1, failed.ToString());

        // Fixed: the build passes and prints nothing about tests; unchanged, they do not run again.
        app.Write("tiny/tiny.owner-test", TinyTests.Replace("expect segments Large\n  expect accountable SmallTeam", "expect segments Large\n  expect accountable LargeTeam", StringComparison.Ordinal));
        app.Delete("tiny/misspelt.owner-test");
        ProcessResult passed = app.Build("-p:OwnerRunTests=true");
        passed.ExitCode.ShouldBe(0, passed.ToString());
        passed.Output.ShouldNotContain("owner-test");
        passed.Output.ShouldNotContain("OWNB", Case.Sensitive);
        // They ran: the task writes its "all passed" file only after a run without failures.
        File.ReadAllText(Path.Combine(app.Directory, "obj", "Debug", "net10.0", "App.csproj.OwnerPolicyTests.passed")).ShouldMatch(@"^\d+ passed\n$");
        app.RunApp().Output.ShouldBe("LargeTeam\n");

        ProcessResult again = app.Build("-p:OwnerRunTests=true", "-v:detailed");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Output.ShouldContain(SkippedLine, Case.Sensitive, again.ToString());

        // A changed test file runs them again.
        app.Write("tiny/tiny.owner-test", TinyTests);
        ProcessResult edited = app.Build("-p:OwnerRunTests=true");
        edited.ExitCode.ShouldNotBe(0, edited.ToString());
        edited.Output.ShouldContain($"{tinyTests}(8): error OWNB006:", Case.Sensitive, edited.ToString());

        // The .NET Framework build of the task (Visual Studio) cannot run them, and says so.
        ProcessResult framework = app.Build("-p:OwnerRunTests=true", "-p:AccountabilityDslTaskFramework=netstandard2.0");
        framework.ExitCode.ShouldBe(0, framework.ToString());
        framework.Output.ShouldContain("warning OWNB007: OwnerRunTests: the .owner-test files run only under MSBuild on .NET (dotnet build)", Case.Sensitive, framework.ToString());
    }

    /// <summary>Distinct error lines with the code (MSBuild repeats errors in its closing summary).</summary>
    private static int ErrorLines(ProcessResult result, string code) =>
        result.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains($"error {code}:", StringComparison.Ordinal)).Distinct().Count();
}

using AccountabilityDsl.Analysis;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Runtime.Compiled.Testing;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Documentation;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Testing;

/// <summary>
/// Every diagnostic of <c>.owner-test</c> files has its page in <c>docs/rules</c>, embedded in the
/// compiler, whose bad example reports it (where the shown output says) against the page's policy
/// and whose good example runs clean and passes.
/// </summary>
public class TestFileDocumentationTests
{
    public static TheoryData<string> Ids => [.. TestFileDiagnostics.All.Select(d => d.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_test_file_diagnostic_has_an_embedded_page_with_its_title_and_severity(string id)
    {
        DiagnosticDescriptor descriptor = TestFileDiagnostics.All.Single(d => d.Id == id);
        RulePage page = RulePage.Load(id);
        page.TitleLine.ShouldBe($"# {id}: {descriptor.Title}");
        page.DefaultSeverity.ShouldBe(descriptor.DefaultSeverity.ToDisplayString());
        DiagnosticCatalog.GetDocumentation(id).ShouldNotBeNull($"docs/rules/{id}.md is not embedded");
        page.Text.ShouldContain("cannot be suppressed");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_bad_example_reports_the_page_id_where_shown_and_the_good_one_passes(string id)
    {
        RulePage page = RulePage.Load(id);
        PolicyCompilation policy = PolicyCompilation.Create(SourceText.From(page.Examples("policy").Single(), "shop.owner"));
        policy.HasErrors.ShouldBeFalse();
        var runner = new PolicyTestRunner([policy]);

        TestFileResult bad = runner.Run(TestFileSyntax.Parse(SourceText.From(page.Examples("bad").Single(), "shop.owner-test")));
        var reported = bad.AllDiagnostics.Where(d => d.Id == id).ToList();
        reported.ShouldNotBeEmpty($"the bad example of {id} does not report it");
        string actual = Baseline.Render(reported);
        string shown = page.Examples("output").Single();
        if (shown != actual && Environment.GetEnvironmentVariable("OWNER_ACCEPT_BASELINES") == "1")
        {
            File.WriteAllText(page.Path, page.Text.Replace("<!-- output -->\n```text\n" + shown, "<!-- output -->\n```text\n" + actual, StringComparison.Ordinal));
        }
        else
        {
            shown.ShouldBe(actual, $"{page.Path}: the shown output differs from what ownerc test reports");
        }

        TestFileResult good = runner.Run(TestFileSyntax.Parse(SourceText.From(page.Examples("good").Single(), "shop.owner-test")));
        good.AllDiagnostics.ShouldBeEmpty();
        good.Tests.ShouldAllBe(t => t.Passed);
    }
}

using System.Text.RegularExpressions;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>
/// Every diagnostic has a page in <c>docs/rules</c>, embedded in the compiler, and every page's
/// examples do what the page says when compiled with the real compiler.
/// </summary>
public partial class RuleDocumentationTests
{
    private const string ExamplePath = "example.owner";

    public static TheoryData<string> DescriptorIds => [.. DiagnosticCatalog.All.Select(d => d.Id)];

    // Pages of test-file diagnostics (OWN09xx) show .owner-test examples: TestFileDocumentationTests checks them.
    // Pages of the MSBuild package's own codes (OWNBxxx) show build output: UsageTests in Cli.Tests checks that each
    // code the package defines has one and that 'ownerc help' prints it.
    public static TheoryData<string> PageIds => [.. RulePage.All().Select(p => p.Id)
        .Where(id => !AccountabilityDsl.Testing.TestFileDiagnostics.All.Any(d => d.Id == id) && !id.StartsWith("OWNB", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Every_diagnostic_has_a_page_that_is_embedded_in_the_compiler(string id)
    {
        string path = Path.Combine(RulePage.Directory, id + ".md");
        File.Exists(path).ShouldBeTrue($"{id} has no documentation page; add docs/rules/{id}.md");
        string? embedded = DiagnosticCatalog.GetDocumentation(id);
        embedded.ShouldNotBeNull($"docs/rules/{id}.md is not embedded in the compiler");
        embedded.Replace("\r\n", "\n").ShouldBe(File.ReadAllText(path).Replace("\r\n", "\n"));
    }

    [Theory]
    [MemberData(nameof(PageIds))]
    public void Every_page_title_names_its_file_and_its_descriptor(string id)
    {
        RulePage page = RulePage.Load(id);
        Match title = page.Title;
        title.Success.ShouldBeTrue($"{page.Path}: the first line must be '# {id}: Title', not '{page.TitleLine}'");
        title.Groups[1].Value.ShouldBe(id, $"{page.Path}: the title names another ID than the file");

        DiagnosticDescriptor? descriptor = DiagnosticCatalog.Find(id);
        if (descriptor is null)
        {
            RulePage.DesignedAhead.ShouldContain(id, $"{page.Path} documents an ID that no descriptor has");
            return;
        }

        descriptor.Id.ShouldBe(id);
        page.DefaultSeverity.ShouldBe(descriptor.DefaultSeverity.ToDisplayString(), $"{page.Path}: the default severity differs from the descriptor's");
    }

    [Theory]
    [MemberData(nameof(PageIds))]
    public void Every_page_explains_suppression_and_has_a_bad_and_a_good_example(string id)
    {
        RulePage page = RulePage.Load(id);
        page.Examples("bad").ShouldNotBeEmpty($"{page.Path} has no '<!-- bad -->' example");
        page.Examples("good").ShouldNotBeEmpty($"{page.Path} has no '<!-- good -->' example");
        if (id == CompilerDiagnostics.SyntaxError.Id)
        {
            page.Text.ShouldContain("cannot be suppressed");
        }
        else
        {
            page.Text.ShouldContain($"// owner-disable-next-line {id}");
            page.Text.ShouldContain($"// owner-disable {id}");
            page.Text.ShouldContain($"owner_diagnostic.{id}.severity = none");
        }
    }

    [Theory]
    [MemberData(nameof(PageIds))]
    public void Bad_examples_report_the_page_id(string id)
    {
        foreach (string example in RulePage.Load(id).Examples("bad"))
        {
            IReadOnlyList<Diagnostic> diagnostics = DiagnosticsOf(example);
            if (IsImplemented(id))
            {
                diagnostics.Select(d => d.Id).ShouldContain(id, $"the bad example of {id} does not report it:\n{example}\nIt reports:\n{Baseline.Render(diagnostics)}");
            }
            else
            {
                // Not checkable yet; at least the analysis will run on it (no syntax or name errors).
                diagnostics.Where(d => d.Id.CompareTo("OWN0100") < 0).ShouldBeEmpty($"the bad example of {id} does not get past the front end:\n{example}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PageIds))]
    public void Good_examples_compile_clean(string id)
    {
        foreach (string example in RulePage.Load(id).Examples("good"))
        {
            IReadOnlyList<Diagnostic> diagnostics = DiagnosticsOf(example);
            diagnostics.ShouldBeEmpty($"the good example of {id} is not clean:\n{example}\nIt reports:\n{Baseline.Render(diagnostics)}");
        }
    }

    /// <summary>
    /// The output shown after a bad example (the page's own ID only) points where the compiler
    /// points, with the same severity and ID; messages may be reworded without failing this test.
    /// Run with <c>OWNER_ACCEPT_BASELINES=1</c> to rewrite the shown output from the compiler.
    /// </summary>
    [Theory]
    [MemberData(nameof(PageIds))]
    public void Shown_output_matches_where_the_compiler_reports(string id)
    {
        RulePage page = RulePage.Load(id);
        IReadOnlyList<string> outputs = page.Examples("output");
        if (outputs.Count == 0 || !IsImplemented(id))
        {
            return;
        }

        IReadOnlyList<string> bad = page.Examples("bad");
        outputs.Count.ShouldBe(1, $"{page.Path}: one '<!-- output -->' block, after the bad example");
        string actual = Baseline.Render(DiagnosticsOf(bad[0]).Where(d => d.Id == id));
        if (Heads(outputs[0]).SequenceEqual(Heads(actual)) && outputs[0] == actual)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("OWNER_ACCEPT_BASELINES") == "1")
        {
            File.WriteAllText(page.Path, page.Text.Replace("<!-- output -->\n```text\n" + outputs[0], "<!-- output -->\n```text\n" + actual, StringComparison.Ordinal));
            return;
        }

        Heads(outputs[0]).ShouldBe(Heads(actual), $"{page.Path}: the shown output does not match what the compiler reports:\n{actual}");
    }

    /// <summary>The three ways each page says to silence a finding do silence its bad example.</summary>
    [Theory]
    [MemberData(nameof(PageIds))]
    public void The_suppressions_a_page_shows_silence_its_bad_example(string id)
    {
        if (!IsImplemented(id) || id == CompilerDiagnostics.SyntaxError.Id)
        {
            return;
        }

        // Policies of several files and .editorconfig examples have their suppression tests
        // elsewhere (MultiFilePolicyTests, EditorConfigTests): comments work per file.
        foreach (string example in RulePage.Load(id).Examples("bad").Where(e => !IsConfiguration(e) && !e.Contains(TestPolicy.FileMarker, StringComparison.Ordinal)))
        {
            TestPolicy.Compile($"// owner-disable {id}\n" + example, ExamplePath).Diagnostics.Select(d => d.Id).ShouldNotContain(id);

            var lines = example.Split('\n').ToList();
            int[] reportedLines = [.. TestPolicy.Compile(example, ExamplePath).Diagnostics.Where(d => d.Id == id)
                .Select(d => d.Location.LineSpan.Start.Line).Distinct().OrderDescending()];
            foreach (int line in reportedLines)
            {
                lines.Insert(line - 1, $"// owner-disable-next-line {id}");
            }

            TestPolicy.Compile(string.Join('\n', lines), ExamplePath).Diagnostics.Select(d => d.Id).ShouldNotContain(id);

            var severities = new Dictionary<string, DiagnosticSeverity> { [id] = DiagnosticSeverity.Hidden };
            TestPolicy.Compile(example, ExamplePath, severities).Diagnostics.Select(d => d.Id).ShouldNotContain(id);
        }
    }

    [Fact]
    public void The_index_lists_every_page()
    {
        string index = File.ReadAllText(Path.Combine(RulePage.Directory, "README.md"));
        foreach (RulePage page in RulePage.All())
        {
            index.ShouldContain($"[{page.Id}]({page.Id}.md)", customMessage: $"docs/rules/README.md does not list {page.Id}");
        }
    }

    /// <summary>An example that is an <c>.editorconfig</c>, not a policy (OWN0009's).</summary>
    private static bool IsConfiguration(string example) => example.TrimStart().StartsWith('[');

    /// <summary>
    /// What an example reports: a policy (of one file, or of several marked with <c>// file:</c>)
    /// through the compiler; an <c>.editorconfig</c> through the workspace, next to a clean policy.
    /// </summary>
    private static IReadOnlyList<Diagnostic> DiagnosticsOf(string example)
    {
        if (!IsConfiguration(example))
        {
            return TestPolicy.Compile(example, ExamplePath).Diagnostics;
        }

        string folder = Path.Combine(Path.GetTempPath(), "owner-doc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, ".editorconfig"), "root = true\n" + example);
            File.WriteAllText(Path.Combine(folder, ExamplePath), "policy Clean\nstages A\nsegment S\nowner O\naccountable O for * at *\n");
            var workspace = AccountabilityDsl.Workspace.PolicyWorkspace.Open([ExamplePath], folder);
            // The example is shown without the 'root = true' line the test adds: one line up.
            return [.. workspace.Compile().SelectMany(c => c.Diagnostics), .. workspace.ConfigurationDiagnostics.Select(ShiftUpOneLine)];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Diagnostic ShiftUpOneLine(Diagnostic d)
    {
        Text.SourceText shown = Text.SourceText.From(d.Location.Source.Text[(d.Location.Source.GetLineStart(2))..], d.Location.FilePath);
        return d with { Location = new Location(shown, new Text.TextSpan(d.Location.Span.Start - d.Location.Source.GetLineStart(2), d.Location.Span.Length)) };
    }

    private static bool IsImplemented(string id) =>
        DiagnosticCatalog.Find(id) is not null
        && (!RulePage.DesignedAhead.Contains(id) || PolicyAnalyzer.Rules.Any(r => r.Descriptor.Id == id));

    /// <summary>"example.owner(9,1,9,48): warning OWN0201" for each diagnostic line.</summary>
    private static string[] Heads(string rendered) =>
        [.. rendered.Split('\n').Select(l => DiagnosticHead().Match(l)).Where(m => m.Success).Select(m => m.Value)];

    [GeneratedRegex(@"^\S+\(\d+,\d+,\d+,\d+\): \w+ OWN\d{4}")]
    private static partial Regex DiagnosticHead();
}

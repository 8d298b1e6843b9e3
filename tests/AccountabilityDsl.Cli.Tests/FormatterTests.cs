using System.Collections.Immutable;
using System.Text.Json;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Cli.Input;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;
using CsCheck;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// Formatters on hand-made diagnostics, for what the fixtures cannot produce yet or only by
/// accident: witnesses, tabs, zero-length and multi-line spans, suggestions, colour.
/// </summary>
public class FormatterTests
{
    private const string PolicyText = "policy Demo\n\tsegment\tRetail where assets >= 0\nsegment Wide where\n  assets > 1\nowner Sales";

    private static readonly DiagnosticDescriptor Vacuum = new(
        "OWN0101", "Accountability vacuum", "nobody is accountable for {0} at {1}", DiagnosticSeverity.Error, DiagnosticCategory.Accountability);

    private static CheckReport Report()
    {
        SourceText source = SourceText.From(PolicyText, "policies/demo.owner");
        int retail = PolicyText.IndexOf("Retail", StringComparison.Ordinal);
        int wide = PolicyText.IndexOf("Wide", StringComparison.Ordinal);
        var witness = new Witness(
        [
            new("assets", WitnessValue.Of(0m)),
            new("ratio", WitnessValue.Of(0.25m)),
            new("owns_boat", WitnessValue.Of(false)),
            new("region", WitnessValue.Of("North")),
        ]);
        Diagnostic[] diagnostics =
        [
            // A span after a tab, with related locations and a witness.
            Diagnostic.Create(Vacuum, new Location(source, new TextSpan(retail, "Retail".Length)),
                [new RelatedLocation(new Location(source, new TextSpan(0, 11)), "the policy starts here")], witness, "Retail", "Active"),
            // A span over two lines: underlined to the end of the first.
            Diagnostic.Create(CompilerDiagnostics.PredicateTypeError, new Location(source, TextSpan.FromBounds(wide, PolicyText.IndexOf('1'))), null, null, "a predicate over two lines"),
            // A zero-length span at the very end of the file.
            Diagnostic.Create(CompilerDiagnostics.SyntaxError, new Location(source, new TextSpan(PolicyText.Length, 0)), null, null, "expected 'stages'"),
            Diagnostic.Create(CompilerDiagnostics.DuplicateDeclaration, source, new TextSpan(PolicyText.IndexOf("Sales", StringComparison.Ordinal), 5), "owner", "Sales", 1)
                .WithSeverity(DiagnosticSeverity.Suggestion),
        ];
        var file = new CheckedFile(new PolicyInput("policies/demo.owner", "/repo/policies/demo.owner"), source, [.. diagnostics], null);
        return new CheckReport([file], "/repo");
    }

    private static string Format(IDiagnosticFormatter formatter)
    {
        var output = new StringWriter { NewLine = "\n" };
        formatter.Write(Report(), output);
        return output.ToString();
    }

    [Fact]
    public void Text() => Baseline.Verify(Format(new TextFormatter(useColor: false)), "Formatters/text.txt");

    [Fact]
    public void MSBuild() => Baseline.Verify(Format(new MSBuildFormatter()), "Formatters/msbuild.txt");

    [Fact]
    public void Json() => Baseline.Verify(Format(new JsonFormatter()), "Formatters/json.txt");

    [Fact]
    public void Json_witness_values_keep_their_types()
    {
        using JsonDocument document = JsonDocument.Parse(Format(new JsonFormatter()));
        JsonElement diagnostic = document.RootElement.GetProperty("diagnostics")[0];
        JsonTests.Names(diagnostic).ShouldBe(["id", "severity", "message", "file", "line", "column", "endLine", "endColumn", "related", "witness"]);
        JsonElement witness = diagnostic.GetProperty("witness");
        JsonTests.Names(witness).ShouldBe(["assets", "ratio", "owns_boat", "region"]);
        witness.GetProperty("assets").GetDecimal().ShouldBe(0m);
        witness.GetProperty("ratio").GetDecimal().ShouldBe(0.25m);
        witness.GetProperty("owns_boat").ValueKind.ShouldBe(JsonValueKind.False);
        witness.GetProperty("region").GetString().ShouldBe("North");
        // Suggestions are reported but counted neither as errors nor as warnings.
        document.RootElement.GetProperty("summary").GetProperty("errors").GetInt32().ShouldBe(3);
        document.RootElement.GetProperty("summary").GetProperty("warnings").GetInt32().ShouldBe(0);
    }

    [Fact]
    public void Sarif_adds_rules_missing_from_the_catalog_and_carries_the_witness()
    {
        using JsonDocument log = JsonDocument.Parse(Format(new SarifFormatter()));
        JsonElement run = log.RootElement.GetProperty("runs")[0];
        JsonElement rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        JsonElement result = run.GetProperty("results")[0];
        rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString().ShouldBe(result.GetProperty("ruleId").GetString());
        result.GetProperty("message").GetProperty("text").GetString()
            .ShouldBe("nobody is accountable for Retail at Active", "the message is the diagnostic's own; the witness is in properties, not repeated");
        result.GetProperty("properties").GetProperty("witness").GetProperty("owns_boat").GetBoolean().ShouldBeFalse();
        run.GetProperty("results")[3].GetProperty("level").GetString().ShouldBe("note");
        // The zero-length span is an empty region, still with valid numbers.
        JsonElement region = run.GetProperty("results")[2].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        region.GetProperty("startColumn").GetInt32().ShouldBe(region.GetProperty("endColumn").GetInt32());
    }

    [Fact]
    public void Colour_only_when_asked_for()
    {
        Format(new TextFormatter(useColor: false)).ShouldNotContain("\e[");
        string coloured = Format(new TextFormatter(useColor: true));
        coloured.ShouldContain("\e[1;31merror OWN0101:\e[0m");
        coloured.ShouldContain("\e[1;36msuggestion OWN0003:\e[0m");
        System.Text.RegularExpressions.Regex.Replace(coloured, "\e\\[[0-9;]*m", "").ShouldBe(Format(new TextFormatter(useColor: false)));
    }

    [Fact]
    public void Expanded_tabs_keep_every_column_in_step_with_the_text() =>
        Gen.String["ab\t\u00e9"].Sample(line =>
        {
            (string text, int[] columnOf) = TextFormatter.ExpandTabs(line);
            columnOf.Length.ShouldBe(line.Length + 1);
            columnOf[^1].ShouldBe(text.Length);
            for (int i = 0; i < line.Length; i++)
            {
                columnOf[i + 1].ShouldBeGreaterThan(columnOf[i]);
                if (line[i] == '\t')
                {
                    (columnOf[i + 1] % 4).ShouldBe(0);
                }
                else
                {
                    text[columnOf[i]].ShouldBe(line[i]);
                }
            }
        });

    [Theory]
    [InlineData("Syntax error", "SyntaxError")]
    [InlineData("Missing or repeated policy header, or no stages", "MissingOrRepeatedPolicyHeaderOrNoStages")]
    [InlineData("Type error in a predicate", "TypeErrorInPredicate")]
    [InlineData("Minimum cell exceeds every channel's capacity", "MinimumCellExceedsEveryChannelsCapacity")]
    public void Sarif_rule_names_are_the_title_in_pascal_case(string title, string name) =>
        SarifFormatter.PascalCase(title).ShouldBe(name);

    [Fact]
    public void Sarif_full_description_is_the_first_paragraph_of_the_rule_page() =>
        SarifFormatter.FirstParagraph("# OWN0102: Accountability conflict\n\nTwo declarations\nclaim a cell.\n\n## Example\n").ShouldBe("Two declarations claim a cell.");
}

public class TextSnippetSafetyTests
{
    [Fact]
    public void A_very_long_line_is_shown_as_a_window_around_the_span()
    {
        using var temp = new AccountabilityDsl.Cli.Tests.Infrastructure.TempFolder();
        temp.Write("long.owner", "policy P stages A " + new string(' ', 5000) + "owner # O");
        var result = AccountabilityDsl.Cli.Tests.Infrastructure.Ownerc.RunIn(temp.Path, "check", "long.owner");
        string[] lines = result.Stdout.Split('\n');
        lines.ShouldAllBe(l => l.Length < 200);
        int source = Array.FindIndex(lines, l => l.Contains("owner # O"));
        source.ShouldBeGreaterThan(0);
        lines[source].ShouldStartWith("  1 | ...");
        lines[source + 1].IndexOf('^').ShouldBe(lines[source].IndexOf('#'));
    }

    [Fact]
    public void Control_and_bidi_characters_in_the_source_never_reach_the_terminal()
    {
        using var temp = new AccountabilityDsl.Cli.Tests.Infrastructure.TempFolder();
        temp.Write("evil.owner", "policy P\nstages A\nowner \u001b[2J\u202eX\n");
        var result = AccountabilityDsl.Cli.Tests.Infrastructure.Ownerc.RunIn(temp.Path, "check", "evil.owner");
        result.Stdout.ShouldNotContain("\u001b");
        result.Stdout.ShouldNotContain("\u202e");
    }
}

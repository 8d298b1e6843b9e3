using System.Globalization;
using System.Text;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// OWN0001 reports every mistake in a file, one error each, and recovery resumes at the next
/// declaration keyword so that the declarations after a mistake are still parsed.
/// </summary>
public class ErrorRecoveryTests
{
    private static string Render(SyntaxTree tree)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in tree.Diagnostics)
        {
            SyntaxErrorCases.AppendDiagnostic(text, tree.Source, d);
        }

        text.Append("declarations:\n");
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            text.Append("  ").Append(declaration.GetType().Name.Replace("DeclarationSyntax", "", StringComparison.Ordinal))
                .Append(": ").Append(SyntaxErrorCases.Visible(tree.Source.ToString(declaration.Span).Replace("\n", " / ", StringComparison.Ordinal))).Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public void Five_mistakes_on_five_declarations_are_five_errors_each_in_place()
    {
        const string text = """
            policy RetailBank namespace Contoso.Banking
            attribute assets decimal
            attribute tenure_years: int
            segment Affluent where assets >=
            segment MassMarket where assets < 250000 and tenure_years >= 1
            stages Prospect -> -> Active -> Retention
            owner Marketing
            owner Sales
            accountable Sales for * at Active via Email
            accountable Marketing for * at Prospect
            limit offers per customer: at most 3.5 per 365 days
            cooldown 30 days after Complaint

            """;
        SyntaxTree tree = HostileInputTests.ParseWithin(text);
        Baseline.Verify(Render(tree), "Syntax/Recovery.FiveMistakes.txt");
        tree.Diagnostics.Length.ShouldBe(5);
        tree.Diagnostics.ShouldAllBe(d => d.Id == "OWN0001");
        tree.Diagnostics.Select(d => d.Location.LineSpan.Start).ShouldBe(
        [
            new LinePosition(2, 18),  // 'decimal' where ':' belongs
            new LinePosition(4, 33),  // end of '>=': the value is missing
            new LinePosition(6, 20),  // the second '->'
            new LinePosition(9, 35),  // 'via' on an accountable line
            new LinePosition(11, 36), // '3.5' is not a whole number
        ]);
        tree.Declarations.Length.ShouldBe(12);
    }

    [Fact]
    public void Five_mistakes_that_break_lines_early_are_five_errors()
    {
        const string text = """
            policy P
            owner
            segment S where ((assets > 1
            owner Sales "Brand
            segment Boaters where owns_boat and region in { North East }
            exempt
            channel Email

            """;
        SyntaxTree tree = HostileInputTests.ParseWithin(text);
        Baseline.Verify(Render(tree), "Syntax/Recovery.FiveEarlyEnds.txt");
        tree.Diagnostics.Length.ShouldBe(5);
        tree.Declarations.Length.ShouldBe(7);
        tree.Declarations[^1].ShouldBeOfType<ChannelDeclarationSyntax>().Name.Text.ShouldBe("Email");
    }

    [Fact]
    public void Stray_lines_between_declarations_are_one_error_each()
    {
        SyntaxTree tree = HostileInputTests.ParseWithin("owner A\nfoo bar baz\nowner B\n) ) )\nowner C\n42 \"x\"\nowner D");
        tree.Diagnostics.Length.ShouldBe(3);
        tree.Declarations.OfType<OwnerDeclarationSyntax>().Select(o => o.Name.Text).ShouldBe(["A", "B", "C", "D"]);
    }

    [Theory]
    [InlineData("polcy RetailBank")]
    [InlineData("Policy RetailBank namespace Contoso.Banking")]
    [InlineData("\"doc\" x y")]
    public void Several_stray_tokens_first_in_the_file_never_swallow_the_declarations_after_them(string firstLine)
    {
        // Regression: at the entry of the file's declaration loop ANTLR could only delete one
        // token; with two or more it gave up on the whole file, so a misspelt header dropped every
        // declaration and the binder reported a missing lifecycle that was there.
        SyntaxTree tree = HostileInputTests.ParseWithin(firstLine + "\nstages A -> B\nowner Sales\nowner Service");
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Diagnostics[0].Location.LineSpan.Start.ShouldBe(new LinePosition(1, 1));
        tree.Declarations.OfType<StagesDeclarationSyntax>().Count().ShouldBe(1);
        tree.Declarations.OfType<OwnerDeclarationSyntax>().Select(o => o.Name.Text).ShouldBe(["Sales", "Service"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(300)]
    public void Unclosed_parentheses_never_swallow_the_next_declaration(int depth)
    {
        // Regression: with three or more unclosed levels, ANTLR's "consume one token when failing
        // twice at the same state" guard ate the next declaration's keyword.
        SyntaxTree tree = HostileInputTests.ParseWithin("segment X where " + new string('(', depth) + "a\nowner After\nowner Next");
        tree.Declarations.OfType<OwnerDeclarationSyntax>().Select(o => o.Name.Text).ShouldBe(["After", "Next"]);
        tree.Diagnostics.Last().Message.ShouldStartWith("expected ')' after 'a' (to close the '(' at line 1, column ");
    }

    [Fact]
    public void A_long_declaration_cut_short_by_the_next_line_is_finished_with_missing_parts()
    {
        SyntaxTree tree = HostileInputTests.ParseWithin("limit offers\nowner Sales");
        tree.Diagnostics.Single().Location.LineSpan.Start.ShouldBe(new LinePosition(1, 13));
        var limit = tree.Declarations[0].ShouldBeOfType<LimitDeclarationSyntax>();
        limit.MaxCount.IsMissing.ShouldBeTrue();
        tree.Declarations[1].ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe("Sales");
    }

    [Fact]
    public void A_keyword_taken_as_a_name_leaves_the_name_missing()
    {
        SyntaxTree tree = HostileInputTests.ParseWithin("owner policy \"doc\"\nowner Sales");
        tree.Diagnostics.Length.ShouldBe(1);
        var owner = tree.Declarations[0].ShouldBeOfType<OwnerDeclarationSyntax>();
        owner.Name.IsMissing.ShouldBeTrue();
        owner.Documentation!.Value.ShouldBe("doc");
    }

    /// <summary>
    /// Every declaration of the sample policy, cut short after each of its words and followed by
    /// a declaration on the next line: at most one error, at the end of the cut line, and the next
    /// declaration is always parsed. (Regression: single-token deletion used to delete the next
    /// line's keyword, so <c>where assets &gt;=</c> swallowed the following declaration.)
    /// </summary>
    [Fact]
    public void A_declaration_cut_short_anywhere_never_swallows_the_next_one()
    {
        string sample = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner"));
        var declarations = SyntaxTree.Parse(sample).Declarations;
        declarations.Length.ShouldBeGreaterThan(20);
        var failures = new List<string>();
        foreach (DeclarationSyntax declaration in declarations)
        {
            string line = string.Join(' ', sample.Substring(declaration.Span.Start, declaration.Span.Length)
                .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
            string[] words = line.Split(' ');
            for (int count = 1; count <= words.Length; count++)
            {
                string prefix = string.Join(' ', words.Take(count));
                if (prefix.Count(c => c == '"') % 2 == 1)
                {
                    continue; // cut inside a description: that is an unterminated string instead
                }

                SyntaxTree tree = SyntaxTree.Parse(prefix + "\nowner Next\n");
                bool keptNext = tree.Declarations.LastOrDefault() is OwnerDeclarationSyntax { Name.Text: "Next" };
                bool oneErrorAtTheCut = tree.Diagnostics.Length == 0
                    || tree.Diagnostics.Length == 1 && tree.Diagnostics[0].Location.LineSpan.Start == new LinePosition(1, prefix.Length + 1);
                if (!keptNext || !oneErrorAtTheCut)
                {
                    failures.Add($"'{prefix}': {Baseline.Render(tree.Diagnostics).Trim()}; last declaration: {tree.Declarations.LastOrDefault()}");
                }
            }
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public void Consecutive_lines_with_misspelt_keywords_each_get_their_error()
    {
        SyntaxTree tree = SyntaxTree.Parse("policy P\nstages A\nOwner O\nsegmnt S\nowner Q\nacountable Q for * at A\nresponsibel Q for * at A\nsegment T\n");
        tree.Diagnostics.Select(d => (d.Location.LineSpan.Start.Line, d.Message[(d.Message.IndexOf("did you mean", StringComparison.Ordinal))..]))
            .ShouldBe([(3, "did you mean 'owner'?"), (4, "did you mean 'segment'?"), (6, "did you mean 'accountable'?"), (7, "did you mean 'responsible'?")]);
        tree.Declarations.Select(d => d.GetType().Name).ShouldBe(["PolicyHeaderSyntax", "StagesDeclarationSyntax", "OwnerDeclarationSyntax", "SegmentDeclarationSyntax"]);
    }

    [Fact]
    public void A_continuation_line_of_a_broken_declaration_is_not_an_error_of_its_own()
    {
        // 'Tier1 at A' is skipped with the broken line above it; it is no misspelt keyword.
        SyntaxTree tree = SyntaxTree.Parse("policy P\nstages A\nOwner Q for Retail,\nTier1 at A\nowner R\n");
        tree.Diagnostics.Select(d => d.Location.LineSpan.Start.Line).ShouldBe([3], Baseline.Render(tree.Diagnostics));
        tree.Declarations.LastOrDefault().ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe("R");
    }

    [Theory]
    // The parser reports the missing channel on 'group', the first token of the next
    // declaration: the repeated 'via' is the same mistake, not a second one.
    [InlineData("offer O by X to S via Email\nvia{0}\ngroup G: O\n")]
    // A time that is malformed where the line ends too early: one mistake, the missing '..'.
    [InlineData("quiet Telemarketing 25:00{0}\ngroup G: O\n")]
    [InlineData("quiet Telemarketing 20:00..{0}\ngroup G: O\n")]
    public void A_declaration_cut_short_by_the_next_one_is_one_error_whatever_the_layout(string declaration)
    {
        string[] Errors(string layout)
        {
            SyntaxTree tree = SyntaxTree.Parse("policy P\nstages A\n" + string.Format(CultureInfo.InvariantCulture, declaration, layout));
            return [.. tree.Diagnostics.Select(d => d.Message)];
        }

        string[] plain = Errors("");
        plain.Length.ShouldBe(1, string.Join("\n", plain));
        Errors(" // a comment\n\n/* and another */").ShouldBe(plain);
    }

    [Fact]
    public void Parsing_twice_gives_the_same_diagnostics()
    {
        const string text = "policy P\nowner\nsegment S where ((a\nstages A B\nlimit offers per customer: at most 1.5 per 1 day\n#";
        string first = Baseline.Render(SyntaxTree.Parse(text).Diagnostics);
        string second = Baseline.Render(SyntaxTree.Parse(text).Diagnostics);
        second.ShouldBe(first);
    }
}

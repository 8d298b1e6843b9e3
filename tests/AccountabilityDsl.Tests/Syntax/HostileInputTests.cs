using System.Diagnostics;
using System.Text;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// Input nobody should write, that the parser must still survive: no exception, no hang, no
/// stack overflow, and diagnostics that point at real places in the text.
/// </summary>
[Trait("Category", "Slow")]
public class HostileInputTests
{
    internal static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Parses on another thread and fails instead of hanging when it takes too long.</summary>
    internal static SyntaxTree ParseWithin(SourceText source, TimeSpan? limit = null)
    {
        Task<SyntaxTree> parse = Task.Run(() => SyntaxTree.Parse(source));
        if (!parse.Wait(limit ?? Limit))
        {
            throw new Xunit.Sdk.XunitException($"parsing did not finish within {(limit ?? Limit).TotalSeconds} s");
        }

        SyntaxTree tree = parse.Result;
        AssertSpansInside(tree);
        return tree;
    }

    internal static SyntaxTree ParseWithin(string text) => ParseWithin(SourceText.From(text, "test.owner"));

    internal static void AssertSpansInside(SyntaxTree tree)
    {
        foreach (Diagnostic d in tree.Diagnostics)
        {
            TextSpan span = d.Location.Span;
            (span.Start >= 0 && span.Length >= 0 && span.End <= tree.Source.Length)
                .ShouldBeTrue($"{d} has span {span} outside a text of {tree.Source.Length} characters");
        }
    }

    private static string Render(SyntaxTree tree)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in tree.Diagnostics)
        {
            SyntaxErrorCases.AppendDiagnostic(text, tree.Source, d);
        }

        return text.Length == 0 ? "(no diagnostics)\n" : text.ToString();
    }

    [Fact]
    public void Empty_file_parses_to_nothing()
    {
        SyntaxTree tree = ParseWithin("");
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.ShouldBeEmpty();
    }

    [Fact]
    public void Whitespace_only_parses_to_nothing()
    {
        SyntaxTree tree = ParseWithin(" \t\r\n\n\r \f\v  \n");
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.ShouldBeEmpty();
    }

    [Fact]
    public void Comments_only_are_collected_and_nothing_else()
    {
        SyntaxTree tree = ParseWithin("// one\n/* two\n   lines */\n// three");
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.ShouldBeEmpty();
        tree.Comments.Select(c => c.Text).ShouldBe(["// one", "/* two\n   lines */", "// three"]);
    }

    [Fact]
    public void Garbage_stops_at_the_error_limit()
    {
        // Random bytes without NUL: not valid UTF-8, but not recognised as binary either (that
        // takes a NUL as well, see Binary_file_is_one_error_for_the_whole_compilation), so it is parsed.
        var bytes = new byte[64 * 1024];
        new Random(20261123).NextBytes(bytes);
        bytes.AsSpan().Replace((byte)0, (byte)1);
        SyntaxTree tree = ParseWithin(SourceText.FromBytes(bytes, "garbage.owner"));
        tree.Diagnostics.Length.ShouldBe(SyntaxDiagnosticSink.MaxErrors + 1);
        tree.Diagnostics.ShouldAllBe(d => d.Id == "OWN0001");
        tree.Diagnostics[^1].Message.ShouldStartWith("too many syntax errors; stopped after 100");
    }

    [Fact]
    public void Random_printable_garbage_never_crashes()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ_019 .,:;(){}[]<>=!&|*-+\"\\/#@$%^~`'\n\r\t";
        for (int round = 0; round < 200; round++)
        {
            var text = new StringBuilder();
            int length = random.Next(0, 400);
            for (int i = 0; i < length; i++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            ParseWithin(text.ToString());
        }
    }

    [Fact]
    public void Nul_bytes_are_one_error_per_run() =>
        Baseline.Verify(Render(ParseWithin("policy P\0\0\nowner \0Sales\nowner Marketing \0")), "Syntax/Hostile.NulBytes.txt");

    [Fact]
    public void Invalid_utf8_is_reported_at_its_line_and_column()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("policy P\nowner Sales \"Brand "), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"\nowner B\n")];
        SyntaxTree tree = ParseWithin(SourceText.FromBytes(bytes, "latin1.owner"));
        Baseline.Verify(Render(tree), "Syntax/Hostile.InvalidUtf8.txt");
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Diagnostics[0].Location.LineSpan.Start.ShouldBe(new LinePosition(2, 20));
    }

    [Fact]
    public void Invalid_utf8_outside_strings_is_reported_once()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("policy P\nowner Sales "), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\nowner B\n")];
        SyntaxTree tree = ParseWithin(SourceText.FromBytes(bytes, "bad.owner"));
        Baseline.Verify(Render(tree), "Syntax/Hostile.InvalidUtf8Outside.txt");
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Diagnostics[0].Location.LineSpan.Start.ShouldBe(new LinePosition(2, 13));
    }

    [Fact]
    public void Binary_file_is_one_error_for_the_whole_compilation()
    {
        // The start of a PNG file: NUL bytes and bytes that are not UTF-8, as in any binary file.
        byte[] bytes = [0x89, .. Encoding.ASCII.GetBytes("PNG\r\n"), 0x1A, 0x0A, 0, 0, 0, 0x0D, .. Encoding.ASCII.GetBytes("IHDR"), 0xFF, 0xFE, 0x00];
        SourceText source = SourceText.FromBytes(bytes, "logo.owner");
        source.IsBinary.ShouldBeTrue();
        Baseline.Verify(Render(ParseWithin(source)), "Syntax/Hostile.BinaryFile.txt");

        PolicyCompilation compilation = PolicyCompilation.Create(source);
        compilation.Diagnostics.Select(d => d.Id).ShouldBe(["OWN0001"]);
        compilation.Diagnostics[0].Location.LineSpan.Start.ShouldBe(new LinePosition(1, 1));
    }

    [Fact]
    public void Text_with_invalid_utf8_and_nul_beyond_the_binary_probe_is_parsed_as_text()
    {
        // A NUL far into a long policy is a typo in a text file, not a sign of binary content.
        string head = "policy P\nstages A\n" + string.Concat(Enumerable.Repeat("// a comment that fills the file\n", 300));
        byte[] bytes = [.. Encoding.UTF8.GetBytes(head + "owner Sales "), 0xFF, .. Encoding.UTF8.GetBytes("\nowner B \0\n")];
        SourceText source = SourceText.FromBytes(bytes, "long.owner");
        source.IsBinary.ShouldBeFalse();
        SyntaxTree tree = ParseWithin(source);
        tree.Declarations.Length.ShouldBeGreaterThan(2);
        tree.Diagnostics.ShouldContain(d => d.Message.StartsWith("the file is not valid UTF-8: save it as UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public void Byte_order_mark_does_not_shift_columns_on_line_one()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("owner 42\n")];
        SyntaxTree tree = ParseWithin(SourceText.FromBytes(bytes, "bom.owner"));
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Diagnostics[0].Location.LineSpan.ShouldBe(new LinePositionSpan(new LinePosition(1, 7), new LinePosition(1, 9)));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Line_and_column_are_right_for_every_line_ending(string newline)
    {
        string text = string.Join(newline, "policy P", "owner Sales", "", "owner 42", "accountable Sales for * at", "owner Marketing") + newline;
        SyntaxTree tree = ParseWithin(text);
        tree.Diagnostics.Select(d => d.Location.LineSpan).ShouldBe(
        [
            new LinePositionSpan(new LinePosition(4, 7), new LinePosition(4, 9)),   // '42'
            new LinePositionSpan(new LinePosition(5, 27), new LinePosition(5, 27)), // end of 'at': the stage list is missing
        ]);
    }

    [Fact]
    public void A_hundred_thousand_nested_parentheses_are_one_error()
    {
        string text = "segment X where " + new string('(', 100_000) + "a" + new string(')', 100_000) + "\nowner After";
        SyntaxTree tree = ParseWithin(text);
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Diagnostics[0].Message.ShouldBe($"this predicate is nested more than {TokenPreprocessor.MaxPredicateNesting} levels deep; simplify it");
        tree.Declarations[^1].ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe("After");
    }

    [Fact]
    public void A_hundred_thousand_unclosed_parentheses_do_not_crash()
    {
        SyntaxTree tree = ParseWithin("segment X where " + new string('(', 100_000) + "a\nowner After");
        tree.Diagnostics.Length.ShouldBe(2);
        tree.Declarations[^1].ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe("After");
    }

    [Fact]
    public void A_hundred_thousand_nots_are_one_error()
    {
        SyntaxTree tree = ParseWithin("segment X where " + string.Concat(Enumerable.Repeat("not ", 100_000)) + "a\nowner After");
        tree.Diagnostics.Length.ShouldBe(1);
        tree.Declarations[^1].ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe("After");
    }

    [Fact]
    public void Nesting_too_deep_is_reported_at_the_first_token_beyond_the_limit() =>
        Baseline.Verify(Render(ParseWithin("segment X where " + new string('(', 300) + "a" + new string(')', 300)
            + "\nsegment Y where " + string.Concat(Enumerable.Repeat("not ", 300)) + "b")), "Syntax/Hostile.NestingTooDeep.txt");

    [Fact]
    public void Every_segment_nested_too_deep_gets_its_own_error()
    {
        // Regression: the "nested too deep" error was reported once per file, so a second deep
        // segment silently lost its extra 'not's and parentheses.
        string deep = string.Concat(Enumerable.Repeat("not ", 300)) + "a";
        SyntaxTree tree = ParseWithin($"segment X where {deep}\nsegment Y where {deep}\nsegment Z where a");
        tree.Diagnostics.Select(d => d.Location.LineSpan.Start.Line).ShouldBe([1, 2]);
    }

    [Fact]
    public void Nesting_at_the_limit_is_fine()
    {
        int depth = TokenPreprocessor.MaxPredicateNesting;
        SyntaxTree tree = ParseWithin("segment X where " + new string('(', depth) + "a" + new string(')', depth));
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void A_chain_of_a_hundred_thousand_ands_is_valid_and_flat()
    {
        SyntaxTree tree = ParseWithin("segment X where a" + string.Concat(Enumerable.Repeat(" and a", 100_000)));
        tree.Diagnostics.ShouldBeEmpty();
        var predicate = tree.Declarations.Single().ShouldBeOfType<SegmentDeclarationSyntax>().Predicate.ShouldBeOfType<LogicalPredicateSyntax>();
        predicate.Operator.ShouldBe(LogicalOperator.And);
        predicate.Operands.Length.ShouldBe(100_001);
    }

    [Fact]
    public void A_chain_of_a_hundred_thousand_ors_of_negations_is_valid()
    {
        SyntaxTree tree = ParseWithin("segment X where a" + string.Concat(Enumerable.Repeat(" or not a", 100_000)));
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.Single().ShouldBeOfType<SegmentDeclarationSyntax>().Predicate.ShouldBeOfType<LogicalPredicateSyntax>()
            .Operands.Length.ShouldBe(100_001);
    }

    [Fact]
    public void A_ten_thousand_character_identifier_is_a_name()
    {
        string name = "A" + new string('x', 9_999);
        SyntaxTree tree = ParseWithin("owner " + name + "\nowner 1");
        tree.Declarations[0].ShouldBeOfType<OwnerDeclarationSyntax>().Name.Text.ShouldBe(name);
        tree.Diagnostics.Single().Message.ShouldBe($"expected an owner name after 'owner', but found '1'");
    }

    [Fact]
    public void A_ten_thousand_character_bad_token_is_shortened_in_messages()
    {
        SyntaxTree tree = ParseWithin("owner Sales " + new string('9', 10_000));
        tree.Diagnostics.Single().Message.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public void Too_many_errors_stop_after_a_hundred()
    {
        string text = string.Concat(Enumerable.Range(1, 300).Select(i => $"owner Sales{i} 42\n"));
        SyntaxTree tree = ParseWithin(text);
        tree.Diagnostics.Length.ShouldBe(SyntaxDiagnosticSink.MaxErrors + 1);
        var rendered = new StringBuilder($"{tree.Diagnostics.Length} diagnostics; the first two and the last two:\n");
        foreach (Diagnostic d in tree.Diagnostics.Take(2).Concat(tree.Diagnostics.TakeLast(2)))
        {
            SyntaxErrorCases.AppendDiagnostic(rendered, tree.Source, d);
        }

        Baseline.Verify(rendered.ToString(), "Syntax/Hostile.TooManyErrors.txt");
    }

    [Fact]
    public void Unterminated_comment_swallowing_the_file_is_one_error()
    {
        SyntaxTree tree = ParseWithin("policy P\n/*" + string.Concat(Enumerable.Repeat("owner X\n", 10_000)));
        tree.Diagnostics.Single().Message.ShouldBe("unterminated comment: this '/*' has no closing '*/'");
        tree.Declarations.Length.ShouldBe(1);
    }

    [Fact]
    public void Lone_surrogates_do_not_crash() =>
        ParseWithin("owner A \uD800 B \uDC00\nsegment S \"\uD83D\" where a").Diagnostics.ShouldNotBeEmpty();
}

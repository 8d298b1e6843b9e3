using System.Text;
using Antlr4.Runtime;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Tests.Infrastructure;
using CsCheck;

namespace AccountabilityDsl.Tests.Formatting;

/// <summary>
/// <see cref="FormattingProperties"/> over thousands of valid variants of the samples: every
/// gap between two tokens may get other whitespace (none at all where that is still valid, runs
/// of spaces, tabs, line breaks, blank lines, CRLF or CR), block and line comments (some of
/// them suppression directives, so that moving text across lines would show), in any mix.
/// CI runs 2,000 variants; OWNER_FUZZ_ITERATIONS runs more (docs/fuzzing.md).
/// </summary>
[Trait("Category", "Slow")]
public class FormattingPropertyTests
{
    private static readonly string[] Corpus =
    [
        .. Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText),
        PolicyFormatterTests.Messy,
    ];

    private static readonly string[] Whitespace = [" ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\n\n\n", " \t ", "\n    ", "\r\n\r\n"];

    private static readonly string[] Directives =
    [
        "owner-disable-next-line OWN0301", "owner-disable-next-line OWN0204", "owner-disable-next-line OWN0202, OWN0302",
        "owner-disable-next-line OWN0101 OWN0102 OWN0104", "owner-disable OWN0103", "owner-disable-next-line OWN0203",
    ];

    [Fact]
    public void Formatting_valid_variants_of_the_samples_is_idempotent_and_keeps_meaning_and_comments() =>
        Gen.Int.Sample(
            seed => FormattingProperties.Check(Mutate(new Random(seed))),
            iter: FuzzBudget.Iterations(2_000),
            threads: 1);

    [Fact]
    public void The_mutator_only_makes_valid_variants_that_differ_from_the_sample()
    {
        int changed = 0;
        for (int seed = 0; seed < 50; seed++)
        {
            string text = Mutate(new Random(seed));
            AccountabilityDsl.Syntax.SyntaxTree.Parse(text).HasErrors.ShouldBeFalse(text);
            changed += Corpus.Contains(text) ? 0 : 1;
        }

        changed.ShouldBeGreaterThan(45);
    }

    private static string Mutate(Random random)
    {
        string text = Corpus[random.Next(Corpus.Length)];
        var lexer = new OwnerLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        IList<IToken> tokens = lexer.GetAllTokens();
        var output = new StringBuilder(text.Length * 2);
        int rate = random.Next(1, 6); // how wild this variant is: 1 = every gap, 5 = one gap in five
        for (int i = 0; i < tokens.Count; i++)
        {
            IToken token = tokens[i];
            output.Append(token.Text);
            int gapStart = token.StopIndex + 1;
            int gapEnd = i + 1 < tokens.Count ? tokens[i + 1].StartIndex : text.Length;
            string original = text[gapStart..gapEnd];
            char? after = i + 1 < tokens.Count ? tokens[i + 1].Text[0] : null;
            string gap = random.Next(rate) == 0 ? Gap(random, token.Text[^1], after) : original;
            if (token.Type == OwnerLexer.LINE_COMMENT && !StartsWithLineBreak(gap))
            {
                gap = "\n" + gap;
            }

            output.Append(gap);
        }

        return output.ToString();
    }

    /// <summary>New whitespace and comments between a token ending in <paramref name="before"/> and one starting with <paramref name="after"/>.</summary>
    private static string Gap(Random random, char before, char? after)
    {
        var gap = new StringBuilder();
        int pieces = random.Next(0, 4);
        for (int p = 0; p < pieces; p++)
        {
            switch (random.Next(6))
            {
                case 0:
                    gap.Append(' ').Append("/*").Append(CommentText(random, allowLineBreaks: true)).Append("*/");
                    break;
                case 1:
                    gap.Append(' ').Append("//").Append(CommentText(random, allowLineBreaks: false)).Append(Pick(random, ["\n", "\r\n", "\n\n"]));
                    break;
                case 2:
                    gap.Append(' ').Append("// ").Append(Pick(random, Directives)).Append(Pick(random, ["\n", "\r\n", "\n\n"]));
                    break;
                default:
                    gap.Append(Pick(random, Whitespace));
                    break;
            }
        }

        if (gap.Length == 0 && !CanTouch(before, after))
        {
            gap.Append(Pick(random, Whitespace));
        }

        return gap.ToString();
    }

    /// <summary>Whether two tokens may be written with nothing between them and still lex the same.</summary>
    private static bool CanTouch(char before, char? after)
    {
        if (after is not { } next || before is '/' or '*' || next is '/' or '*')
        {
            return after is null;
        }

        const string punctuation = ",{}():";
        return punctuation.Contains(before) || punctuation.Contains(next);
    }

    private static string CommentText(Random random, bool allowLineBreaks)
    {
        string[] words = ["note", "TODO", "é", "—", "a * b", "  ", "\t", "x", "owner-disable-next-line", "OWN0301", "\"quoted\""];
        var text = new StringBuilder();
        int count = random.Next(0, 5);
        for (int w = 0; w < count; w++)
        {
            text.Append(' ').Append(Pick(random, words));
            if (allowLineBreaks && random.Next(4) == 0)
            {
                text.Append(Pick(random, ["\n", "\r\n", "\n   ", "  \n"]));
            }
        }

        return text.Append(random.Next(3) == 0 ? "   " : " ").ToString();
    }

    private static bool StartsWithLineBreak(string gap)
    {
        string trimmed = gap.TrimStart(' ', '\t');
        return trimmed.StartsWith('\n') || trimmed.StartsWith('\r');
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}

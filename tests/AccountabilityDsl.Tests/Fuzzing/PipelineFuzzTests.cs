using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;
using CsCheck;

namespace AccountabilityDsl.Tests.Fuzzing;

/// <summary>
/// Fuzzes the whole pipeline (parse, bind, every rule) with mutations of the samples: tokens
/// deleted, duplicated, swapped, replaced by other tokens of the language, random characters
/// and line endings. Each input must compile without an exception within a generous hang bound,
/// keep every span inside the file, give the same diagnostics twice, and keep its diagnostic IDs
/// when only whitespace and comments change. CI runs 20,000 inputs; set
/// OWNER_FUZZ_ITERATIONS for a longer local run (docs/fuzzing.md).
/// </summary>
[Trait("Category", "Slow")]
public partial class PipelineFuzzTests
{
    /// <summary>Hang detection, not a speed measurement: the slowest small input takes milliseconds.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    private static readonly string[] Corpus = LoadCorpus();

    private static readonly string[] Vocabulary =
    [
        .. Corpus.SelectMany(text => Token().Matches(text).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal),
        "\0", "\uFFFD", "é", "😀", "\"", "/*", "*/", "//", "(", ")", "((((", "-", "..", "->", "{", "}", "99999999999999999999999999999",
    ];

    private static int Iterations => FuzzBudget.Iterations(20_000);

    [Fact]
    public void Mutated_policies_never_crash_hang_escape_the_file_or_change_between_runs() =>
        Gen.Int.Sample(seed =>
        {
            string text = Mutate(new Random(seed));
            Diagnostic[] first = Compile(text);
            foreach (Diagnostic d in first)
            {
                InsideFile(d.Location, text).ShouldBeTrue($"{d} lies outside the file\n{text}");
                d.Related.All(r => InsideFile(r.Location, text)).ShouldBeTrue($"a related location of {d} lies outside the file\n{text}");
            }

            Baseline.Render(Compile(text)).ShouldBe(Baseline.Render(first), "two runs differ\n" + text);
        }, iter: Iterations, threads: 1);

    [Fact]
    public void Whitespace_and_comments_change_no_diagnostic_ids() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            string text = Mutate(random);
            string reformatted = Reformat(text, random);
            string[] before = [.. Compile(text).Select(d => d.Id).Order(StringComparer.Ordinal)];
            string[] after = [.. Compile(reformatted).Select(d => d.Id).Order(StringComparer.Ordinal)];
            after.ShouldBe(before, $"IDs changed when only layout changed\n--- before\n{text}\n--- after\n{reformatted}");
        }, iter: Iterations / 4, threads: 1);

    private static Diagnostic[] Compile(string text)
    {
        var stopwatch = Stopwatch.StartNew();
        Diagnostic[] diagnostics = [.. TestPolicy.Compile(text, "fuzz.owner").Diagnostics];
        (stopwatch.Elapsed < HangBound).ShouldBeTrue($"compiling took {stopwatch.Elapsed}\n{text}");
        return diagnostics;
    }

    private static bool InsideFile(Location location, string text) =>
        location.Span.Start >= 0 && location.Span.Length >= 0 && location.Span.End <= text.Length;

    /// <summary>One to eight token-level edits of a corpus policy.</summary>
    private static string Mutate(Random random)
    {
        List<string> tokens = [.. Piece().Matches(Corpus[random.Next(Corpus.Length)]).Select(m => m.Value)];
        int edits = random.Next(1, 9);
        for (int e = 0; e < edits && tokens.Count > 0; e++)
        {
            int at = random.Next(tokens.Count);
            switch (random.Next(7))
            {
                case 0:
                    tokens.RemoveAt(at);
                    break;
                case 1:
                    tokens.Insert(at, tokens[at]);
                    break;
                case 2:
                    int other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                case 3:
                    tokens.Insert(at, " " + Vocabulary[random.Next(Vocabulary.Length)] + " ");
                    break;
                case 4:
                    tokens[at] = Vocabulary[random.Next(Vocabulary.Length)];
                    break;
                case 5:
                    tokens.RemoveRange(at, tokens.Count - at);
                    break;
                default:
                    tokens.Insert(at, ((char)random.Next(0, 0x3000)).ToString());
                    break;
            }
        }

        string mutated = string.Concat(tokens);
        return random.Next(4) switch
        {
            0 => mutated.Replace("\n", "\r\n"),
            1 => mutated.Replace("\n", "\r"),
            _ => mutated,
        };
    }

    /// <summary>
    /// Adds spaces, comments and blank lines between tokens, and may switch line endings. It keeps
    /// which tokens start a line: error recovery treats a declaration keyword at the start of a
    /// line as a new declaration (docs/language.md), so merging or splitting lines of a broken
    /// policy may legitimately change what is reported. Valid policies are insensitive to any
    /// layout (the test below).
    /// </summary>
    private static string Reformat(string text, Random random)
    {
        var result = new StringBuilder(text.Length * 2);
        // Inside an unterminated /* an inserted "*/" would end the comment: no block comments then.
        string inline = text.Contains("/*") || text.Contains("*/") ? "  " : "/* layout */ ";
        foreach (Match piece in Piece().Matches(text))
        {
            string value = piece.Value;
            int newline = value.IndexOfAny(['\n', '\r']);
            if (random.Next(3) != 0 || value.Length == 0 || !char.IsWhiteSpace(value[^1]))
            {
                result.Append(value);
            }
            else if (newline < 0)
            {
                result.Append(value).Append(random.Next(2) == 0 ? "   " : inline);
            }
            else
            {
                // Before the line break: a trailing comment and maybe a blank line. The blank line goes
                // before the break, not after the next line's indentation: whether a skipped line starts
                // at its first column is what error recovery reads to tell a misspelt declaration keyword
                // from a continuation line, so moving an indented word to column 1 is not "only layout".
                result.Append(value[..newline]).Append(random.Next(2) == 0 ? " // layout" : "").Append(random.Next(2) == 0 ? "\n" : "").Append(value[newline..]);
            }
        }

        string reformatted = result.ToString();
        return random.Next(3) == 0 ? reformatted.Replace("\r\n", "\n").Replace("\n", "\r\n") : reformatted;
    }

    [Fact]
    public void Any_layout_of_a_valid_policy_reports_the_same_diagnostics_ids()
    {
        foreach (string text in Corpus)
        {
            string[] before = [.. Compile(text).Select(d => d.Id).Order(StringComparer.Ordinal)];
            // One token per line, with comments between: as far from the original layout as it gets.
            string spread = string.Join("\n/* x */\n", Piece().Matches(text).Select(m => m.Value.Trim()).Where(t => t.Length > 0 && !t.StartsWith("//", StringComparison.Ordinal)));
            string[] after = [.. Compile(spread).Select(d => d.Id).Order(StringComparer.Ordinal)];
            if (!before.Contains("OWN0001"))
            {
                after.ShouldBe(before, spread);
            }
        }
    }

    private static string[] LoadCorpus()
    {
        var texts = Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToList();
        texts.Add(TestPolicy.Prelude + "segment A\nsegment B where x > 1\nattribute x: int\nowner O\naccountable O for * at *\n");
        return [.. texts];
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*|\d+:\d+|\d+(\.\d+)?|->|\.\.|<=|>=|==|!=|""[^""\n]*""|//[^\n]*|\S")]
    private static partial Regex Token();

    /// <summary>A token with the whitespace after it, so that concatenating pieces gives the text back.</summary>
    [GeneratedRegex(@"(?:[A-Za-z_][A-Za-z0-9_]*|\d+:\d+|\d+(?:\.\d+)?|->|\.\.|<=|>=|==|!=|""[^""\n]*""|//[^\n]*|/\*.*?\*/|\S)\s*|\s+", RegexOptions.Singleline)]
    private static partial Regex Piece();
}

using System.Text.RegularExpressions;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Compiled;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>
/// The docs cite the samples by line: <c>(retail-bank.owner:58)</c>, often after the rule a denial
/// quotes (<c>'never Remortgage after BoatLoan within 180 days' (retail-bank.owner:58)</c>). Each
/// citation of a file that is in samples/ must name a declaration's line, and a quoted rule must be
/// the one the runtime describes at that line, so an edit of a sample cannot leave the docs citing a
/// blank line or a rule that is not there.
/// </summary>
public partial class SampleLineReferenceTests
{
    private static readonly string Samples = Path.Combine(Baseline.RepoRoot, "samples");

    public static TheoryData<string> Pages =>
    [
        .. Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Baseline.RepoRoot, "README.md"))
            .Concat(Directory.EnumerateFiles(Samples, "*.md", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(Baseline.RepoRoot, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_citation_of_a_sample_line_names_that_declaration(string page)
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, page)).ReplaceLineEndings("\n");
        foreach (Match citation in Citation().Matches(text))
        {
            string file = citation.Groups["file"].Value;
            if (SampleNamed(file) is not { } sample)
            {
                continue; // a file of an example, not a sample
            }

            int line = int.Parse(citation.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
            string where = $"{page}:{LineOf(text, citation.Index)}: '{citation.Value.ReplaceLineEndings(" ")}'";
            string[] lines = File.ReadAllText(sample).ReplaceLineEndings("\n").Split('\n');
            line.ShouldBeInRange(1, lines.Length, $"{where} cites a line that {file} does not have");
            string cited = lines[line - 1].Trim();
            (cited.Length > 0 && !cited.StartsWith("//", StringComparison.Ordinal)).ShouldBeTrue($"{where} cites '{cited}', not a declaration");

            if (citation.Groups["quoted"].Success)
            {
                string quoted = Regex.Replace(citation.Groups["quoted"].Value, @"\s+", " ");
                IReadOnlyList<string> rules = RulesAt(sample, line);
                rules.ShouldContain(quoted, $"{where} quotes a rule that is not at that line; the runtime's rules there: {string.Join(" | ", rules)}");
            }
        }
    }

    /// <summary>How the runtime names the rules declared at <paramref name="line"/>: their descriptions and texts.</summary>
    private static IReadOnlyList<string> RulesAt(string sample, int line)
    {
        PolicyCompilation compilation = PolicyCompilation.Create(File.ReadAllText(sample), Path.GetFileName(sample));
        ContactPolicy policy = ContactPolicyBuilder.Build(compilation.Policy);
        return
        [
            .. policy.Limits.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Description, r.Source.Text }),
            .. policy.Capacities.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Description, r.Source.Text }),
            .. policy.Cooldowns.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Description, r.Source.Text }),
            .. policy.Exclusions.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Text, r.Source.Text }),
            .. policy.Consents.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Description, r.Source.Text }),
            .. policy.QuietPeriods.Where(r => r.Source.Line == line).SelectMany(r => new[] { r.Text, r.Source.Text }),
        ];
    }

    private static string? SampleNamed(string file)
    {
        string[] found = [.. Directory.EnumerateFiles(Samples, file, SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))];
        return found.Length == 1 ? found[0] : null;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // 'quoted rule' (file.owner:58), the quote optional; a column after the line (file.owner:15:57) is allowed.
    [GeneratedRegex(@"(?:'(?<quoted>[^'`]+)'\s*\()?\b(?<file>[A-Za-z0-9_-]+\.owner):(?<line>\d+)")]
    private static partial Regex Citation();
}

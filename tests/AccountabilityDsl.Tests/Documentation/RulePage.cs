using System.Text.RegularExpressions;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Documentation;

/// <summary>
/// One <c>docs/rules/OWNxxxx.md</c> page, read the way the documentation tests need it: the title
/// line, the stated default severity, and the examples. An example is a fenced code block whose
/// preceding line is a marker: <c>&lt;!-- bad --&gt;</c> or <c>&lt;!-- good --&gt;</c> before an
/// <c>```owner</c> block, <c>&lt;!-- output --&gt;</c> before the <c>```text</c> block showing what
/// the bad example reports.
/// </summary>
public sealed partial record RulePage(string Id, string Path, string Text)
{
    public static string Directory { get; } = System.IO.Path.Combine(Baseline.RepoRoot, "docs", "rules");

    /// <summary>
    /// Documented IDs whose analysis is being written in parallel. Their pages exist ahead of their
    /// descriptors; every check that needs the rule starts as soon as the rule is registered.
    /// </summary>
    public static readonly IReadOnlySet<string> DesignedAhead = new HashSet<string>(StringComparer.Ordinal)
    {
        "OWN0101", "OWN0103", "OWN0104", "OWN0105", "OWN0302",
    };

    public static IEnumerable<RulePage> All() =>
        System.IO.Directory.EnumerateFiles(Directory, "OWN*.md")
            .Order(StringComparer.Ordinal)
            .Select(path => new RulePage(System.IO.Path.GetFileNameWithoutExtension(path), path, File.ReadAllText(path).Replace("\r\n", "\n")));

    public static RulePage Load(string id) => All().Single(p => p.Id == id);

    public string TitleLine => Text.Split('\n')[0];

    public Match Title => TitlePattern().Match(TitleLine);

    /// <summary>The severity from the "Default severity: **warning**" line, or null.</summary>
    public string? DefaultSeverity => SeverityPattern().Match(Text) is { Success: true } m ? m.Groups[1].Value : null;

    public IReadOnlyList<string> Examples(string marker)
    {
        string[] lines = Text.Split('\n');
        var examples = new List<string>();
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Trim() != $"<!-- {marker} -->")
            {
                continue;
            }

            string fence = lines[i + 1].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Path}:{i + 1}: the marker '<!-- {marker} -->' must be followed by a fenced code block");
            }

            int end = Array.FindIndex(lines, i + 2, l => l.Trim() == "```");
            if (end < 0)
            {
                throw new InvalidOperationException($"{Path}:{i + 2}: unterminated code block");
            }

            examples.Add(string.Join('\n', lines[(i + 2)..end]) + "\n");
        }

        return examples;
    }

    public override string ToString() => Id;

    [GeneratedRegex(@"^# (OWN\d{4}): (\S.*)$")]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"^Default severity: \*\*(error|warning|suggestion)\*\*", RegexOptions.Multiline)]
    private static partial Regex SeverityPattern();
}

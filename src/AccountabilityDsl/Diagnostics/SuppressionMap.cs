using System.Text.RegularExpressions;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// Inline suppressions read from comments:
/// <c>// owner-disable-next-line OWN0301, OWN0204</c> silences those IDs on the next line and
/// anywhere in a declaration that starts there, and
/// <c>// owner-disable OWN0204</c> silences them in the whole file. Syntax errors (OWN0001)
/// cannot be suppressed: the file would mean nothing.
/// </summary>
public sealed partial class SuppressionMap
{
    private readonly HashSet<string> _fileWide = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, HashSet<string>> _byLine = [];
    private readonly List<(TextSpan Span, HashSet<string> Ids)> _declarations = [];

    private SuppressionMap()
    {
    }

    public static SuppressionMap From(SyntaxTree tree)
    {
        var map = new SuppressionMap();
        // The declarations by the line they start on.
        var declarationsByLine = new Dictionary<int, List<TextSpan>>();
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            int start = tree.Source.GetLinePosition(declaration.Span.Start).Line;
            if (!declarationsByLine.TryGetValue(start, out List<TextSpan>? spans))
            {
                declarationsByLine[start] = spans = [];
            }

            spans.Add(declaration.Span);
        }

        foreach (CommentSyntax comment in tree.Comments)
        {
            Match match = Directive().Match(comment.Text);
            if (!match.Success)
            {
                continue;
            }

            IEnumerable<string> ids = match.Groups["ids"].Value
                .Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .TakeWhile(id => id.StartsWith("OWN", StringComparison.OrdinalIgnoreCase));
            if (match.Groups["next"].Success)
            {
                // The comment's own line may be the end of a block comment: count from where it ends.
                int line = tree.Source.GetLinePosition(comment.Span.End).Line + 1;
                // Diagnostics anywhere in a declaration that starts on that line are covered too
                // (an offer's clauses continue on the following lines); not those of another
                // declaration that merely shares one of its lines.
                if (declarationsByLine.TryGetValue(line, out List<TextSpan>? spans))
                {
                    foreach (TextSpan span in spans)
                    {
                        map._declarations.Add((span, [.. ids]));
                    }
                }

                if (!map._byLine.TryGetValue(line, out HashSet<string>? set))
                {
                    map._byLine[line] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                }

                set.UnionWith(ids);
            }
            else
            {
                map._fileWide.UnionWith(ids);
            }
        }

        return map;
    }

    public bool IsSuppressed(Diagnostic diagnostic)
    {
        if (diagnostic.Id == CompilerDiagnostics.SyntaxError.Id)
        {
            return false;
        }

        int at = diagnostic.Location.Span.Start;
        return _fileWide.Contains(diagnostic.Id)
            || (_byLine.TryGetValue(diagnostic.Location.LineSpan.Start.Line, out HashSet<string>? ids) && ids.Contains(diagnostic.Id))
            || _declarations.Any(d => at >= d.Span.Start && at < d.Span.End && d.Ids.Contains(diagnostic.Id));
    }

    [GeneratedRegex(@"^(?://|/\*)\s*owner-disable(?<next>-next-line)?\s+(?<ids>OWN\d{4}(?:[\s,]+OWN\d{4})*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();
}

using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// The inline suppressions of one file, read once from its comments when the tree is parsed:
/// <c>// owner-disable-next-line OWN0301, OWN0204</c> silences those IDs on the next line and
/// anywhere in a declaration that starts there, and
/// <c>// owner-disable OWN0204</c> silences them in the whole file. Syntax errors (OWN0001)
/// cannot be suppressed: the file would mean nothing. The compilation asks
/// <see cref="IsSuppressed"/>; the formatter asks <see cref="NextLineTargets"/> so that it never
/// moves a declaration's text away from the line a directive points at.
/// </summary>
public sealed partial class SuppressionDirectives
{
    private const string SyntaxErrorId = "OWN0001";

    private readonly ImmutableHashSet<string> _fileWide;
    private readonly ImmutableDictionary<int, ImmutableHashSet<string>> _byLine;
    private readonly ImmutableArray<(Text.TextSpan Span, ImmutableHashSet<string> Ids)> _declarations;

    private SuppressionDirectives(ImmutableHashSet<string> fileWide, ImmutableDictionary<int, ImmutableHashSet<string>> byLine, ImmutableArray<(Text.TextSpan Span, ImmutableHashSet<string> Ids)> declarations, ImmutableArray<CommentSyntax> nextLineComments)
    {
        _fileWide = fileWide;
        _declarations = declarations;
        NextLineComments = nextLineComments;
        _byLine = byLine;
        NextLineTargets = [.. byLine.Keys.OrderBy(line => line)];
    }

    /// <summary>The 1-based lines a <c>next-line</c> directive points at, ascending.</summary>
    public ImmutableArray<int> NextLineTargets { get; }

    /// <summary>The <c>owner-disable-next-line</c> comments, in source order.</summary>
    public ImmutableArray<CommentSyntax> NextLineComments { get; }

    /// <summary>
    /// Whether a diagnostic with this ID starting on this 1-based line, at this position, is
    /// silenced.
    /// </summary>
    public bool IsSuppressed(string id, int line, int position) =>
        id != SyntaxErrorId
        && (_fileWide.Contains(id)
            || (_byLine.TryGetValue(line, out ImmutableHashSet<string>? ids) && ids.Contains(id))
            || _declarations.Any(d => position >= d.Span.Start && position < d.Span.End && d.Ids.Contains(id)));

    internal static SuppressionDirectives Read(Text.SourceText source, ImmutableArray<CommentSyntax> comments, ImmutableArray<DeclarationSyntax> declarations)
    {
        // The declarations by the line they start on.
        var declarationsByLine = new Dictionary<int, List<Text.TextSpan>>();
        foreach (DeclarationSyntax declaration in declarations)
        {
            int start = source.GetLinePosition(declaration.Span.Start).Line;
            if (!declarationsByLine.TryGetValue(start, out List<Text.TextSpan>? spans))
            {
                declarationsByLine[start] = spans = [];
            }

            spans.Add(declaration.Span);
        }

        var covered = ImmutableArray.CreateBuilder<(Text.TextSpan Span, ImmutableHashSet<string> Ids)>();
        var fileWide = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
        var byLine = new Dictionary<int, ImmutableHashSet<string>.Builder>();
        var nextLineComments = ImmutableArray.CreateBuilder<CommentSyntax>();
        foreach (CommentSyntax comment in comments)
        {
            // Most comments are prose: only one that names the directive is matched (so that a check
            // of a policy without directives needs no regular expression; start-up, docs/performance.md).
            if (comment.Text.IndexOf("owner-disable", StringComparison.OrdinalIgnoreCase) < 0)
            {
                continue;
            }

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
                nextLineComments.Add(comment);
                int line = source.GetLinePosition(comment.Span.End).Line + 1;
                // Diagnostics anywhere in a declaration that starts on that line are covered too
                // (an offer's clauses continue on the following lines); not those of another
                // declaration that merely shares one of its lines.
                if (declarationsByLine.TryGetValue(line, out List<Text.TextSpan>? spans))
                {
                    ImmutableHashSet<string> idSet = ids.ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);
                    foreach (Text.TextSpan span in spans)
                    {
                        covered.Add((span, idSet));
                    }
                }

                if (!byLine.TryGetValue(line, out ImmutableHashSet<string>.Builder? set))
                {
                    byLine[line] = set = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
                }

                set.UnionWith(ids);
            }
            else
            {
                fileWide.UnionWith(ids);
            }
        }

        return new SuppressionDirectives(fileWide.ToImmutable(), byLine.ToImmutableDictionary(l => l.Key, l => l.Value.ToImmutable()), covered.ToImmutable(), nextLineComments.ToImmutable());
    }

    [GeneratedRegex(@"^(?://|/\*)\s*owner-disable(?<next>-next-line)?\s+(?<ids>OWN\d{4}(?:[\s,]+OWN\d{4})*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();
}

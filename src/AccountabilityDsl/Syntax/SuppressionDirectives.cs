using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// The inline suppressions of one file, read once from its comments when the tree is parsed:
/// <c>// owner-disable-next-line OWN0301, OWN0204</c> silences those IDs on the next line, and
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

    private SuppressionDirectives(ImmutableHashSet<string> fileWide, ImmutableDictionary<int, ImmutableHashSet<string>> byLine, ImmutableArray<CommentSyntax> nextLineComments)
    {
        _fileWide = fileWide;
        NextLineComments = nextLineComments;
        _byLine = byLine;
        NextLineTargets = [.. byLine.Keys.OrderBy(line => line)];
    }

    /// <summary>The 1-based lines a <c>next-line</c> directive points at, ascending.</summary>
    public ImmutableArray<int> NextLineTargets { get; }

    /// <summary>The <c>owner-disable-next-line</c> comments, in source order.</summary>
    public ImmutableArray<CommentSyntax> NextLineComments { get; }

    /// <summary>Whether a diagnostic with this ID starting on this 1-based line is silenced.</summary>
    public bool IsSuppressed(string id, int line) =>
        id != SyntaxErrorId
        && (_fileWide.Contains(id) || (_byLine.TryGetValue(line, out ImmutableHashSet<string>? ids) && ids.Contains(id)));

    internal static SuppressionDirectives Read(Text.SourceText source, ImmutableArray<CommentSyntax> comments)
    {
        var fileWide = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
        var byLine = new Dictionary<int, ImmutableHashSet<string>.Builder>();
        var nextLineComments = ImmutableArray.CreateBuilder<CommentSyntax>();
        foreach (CommentSyntax comment in comments)
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
                nextLineComments.Add(comment);
                int line = source.GetLinePosition(comment.Span.End).Line + 1;
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

        return new SuppressionDirectives(fileWide.ToImmutable(), byLine.ToImmutableDictionary(l => l.Key, l => l.Value.ToImmutable()), nextLineComments.ToImmutable());
    }

    [GeneratedRegex(@"^(?://|/\*)\s*owner-disable(?<next>-next-line)?\s+(?<ids>OWN\d{4}(?:[\s,]+OWN\d{4})*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();
}

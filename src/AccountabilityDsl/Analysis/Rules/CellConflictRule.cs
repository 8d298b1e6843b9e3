using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0102: two or more <c>accountable</c> declarations claim the same segment x stage cell.
/// One diagnostic per group of declarations that collide, listing every cell they share, on the
/// last of them; every claiming declaration is a related location.
/// </summary>
public sealed class CellConflictRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0102",
        "Accountability conflict",
        "{0} claim the same cells: {1}; exactly one accountable owner per segment and stage",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        // Group cells by the exact set of declarations claiming them, so a pair of overlapping
        // declarations is reported once, not once per cell.
        var groups = new Dictionary<string, (List<AssignmentSymbol> Claims, List<string> Cells)>(StringComparer.Ordinal);
        foreach (SegmentSymbol segment in policy.Segments)
        {
            foreach (StageSymbol stage in policy.Stages)
            {
                IReadOnlyList<AssignmentSymbol> claims = context.Accountability.Claims(segment, stage);
                if (claims.Count < 2)
                {
                    continue;
                }

                string key = string.Join(',', claims.Select(c => c.Ordinal));
                if (!groups.TryGetValue(key, out var group))
                {
                    groups[key] = group = ([.. claims], []);
                }

                group.Cells.Add($"{segment.Name} at {stage.Name}");
            }
        }

        foreach ((List<AssignmentSymbol> claims, List<string> cells) in groups.Values)
        {
            string who = Describe(claims, policy);
            AssignmentSymbol last = claims[^1];
            context.Report(
                Rule,
                last.Syntax.Span,
                claims.Select(c => context.Related(c.Syntax, $"{c.Owner!.Name} is declared accountable here")),
                null,
                who,
                Summarize(cells));
        }
    }

    private static string Describe(List<AssignmentSymbol> claims, BoundPolicy policy)
    {
        var owners = claims.Select(c => c.Owner!.Name).Distinct().ToList();
        string lines = string.Join(", ", claims.Select(c => policy.LineOf(c.Syntax)));
        return owners.Count == 1
            ? $"the accountable declarations for {owners[0]} on lines {lines}"
            : $"{string.Join(" and ", owners)} (lines {lines})";
    }

    internal static string Summarize(List<string> items, int max = 6) =>
        items.Count <= max ? string.Join(", ", items) : string.Join(", ", items.Take(max)) + $" and {items.Count - max} more";
}

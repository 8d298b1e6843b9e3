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
        DiagnosticIds.CellConflict,
        "Accountability conflict",
        "{0} {1}; each segment and stage has exactly one accountable owner, so keep one claim",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        // Group cells by the exact set of declarations claiming them, so a pair of overlapping
        // declarations is reported once, not once per cell.
        var groups = new Dictionary<string, (List<AssignmentSymbol> Claims, Dictionary<SegmentSymbol, List<StageSymbol>> Cells)>(StringComparer.Ordinal);
        foreach ((int segmentOrdinal, int stageOrdinal, IReadOnlyList<AssignmentSymbol> claims) in context.Accountability.ContestedCells)
        {
            SegmentSymbol segment = policy.Segments[segmentOrdinal];
            StageSymbol stage = policy.Stages[stageOrdinal];
            string key = string.Join(',', claims.Select(c => c.Ordinal));
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = ([.. claims], []);
            }

            if (!group.Cells.TryGetValue(segment, out List<StageSymbol>? stages))
            {
                group.Cells[segment] = stages = [];
            }

            stages.Add(stage);
        }

        foreach ((List<AssignmentSymbol> claims, Dictionary<SegmentSymbol, List<StageSymbol>> cells) in groups.Values)
        {
            var owners = claims.Select(c => c.Owner!.Name).Distinct().ToList();
            // A policy of several files names the file of each claim.
            string lines = policy.LinesReference(claims.Select(c => c.Syntax));
            string who = owners.Count == 1
                ? $"the accountable declarations for {owners[0]} on {lines}"
                : $"{Naming.List(owners)} ({lines})";
            string claim = claims.Count == 2 ? "both claim" : "all claim";
            // The same stages of every segment (a '*' line against another): say so, not every name.
            var stageSets = cells.Values.Select(stages => string.Join(',', stages.Select(s => s.Ordinal))).Distinct().ToList();
            string where = cells.Count == policy.Segments.Length && cells.Count > 1 && stageSets.Count == 1
                ? $"{Naming.Stages(cells.Values.First())} for every segment"
                : Naming.List([.. cells.Select(cell => $"{cell.Key.Name} at {Naming.Stages(cell.Value)}")]);
            where = $"{claim} {where}";
            context.Report(
                Rule,
                claims[^1].Syntax,
                claims.Select(c => context.Related(c.Syntax, $"{c.Owner!.Name} is declared accountable here")),
                null,
                who,
                where);
        }
    }
}

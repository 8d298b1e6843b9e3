using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0101: at some stage, a customer who is in at least one segment has no accountable owner.
/// A customer's owners at a stage are the owners of every segment they are in, so a segment
/// without an owner is a vacuum only where its customers are not covered by another owned
/// segment. With assigned segments every customer is in exactly one of them, so an unowned
/// assigned cell is a vacuum wherever the owned predicate segments do not cover everyone.
/// Stages with the same orphaned segments are reported together, once.
/// </summary>
public sealed class AccountabilityVacuumRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0101",
        "Accountability vacuum",
        "no accountable owner at {0} for customers in {1}; for example the customer {2}",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        SegmentRegions regions = context.Regions;
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return;
        }

        // Per stage, the orphaned segments whose customers really lack an owner, with the gap.
        // Stages where the same segments have owners have the same gaps: compute those once.
        var gapsByStage = new List<(StageSymbol Stage, List<(SegmentSymbol Segment, Region Gap)> Orphans)>();
        var gapsByOwnedSet = new Dictionary<string, List<(SegmentSymbol, Region)>>(StringComparer.Ordinal);
        foreach (StageSymbol stage in policy.Stages)
        {
            List<(SegmentSymbol, Region)>? orphans;
            if (policy.HasAssignedSegments)
            {
                orphans = AssignedOrphans(context, stage);
            }
            else
            {
                string ownedSet = string.Join(',', policy.Segments.Where(s => context.Accountability.OwnerOf(s, stage) is not null).Select(s => s.Ordinal));
                if (!gapsByOwnedSet.TryGetValue(ownedSet, out orphans))
                {
                    gapsByOwnedSet[ownedSet] = orphans = PredicateOrphans(context, stage);
                }
            }

            if (orphans.Count > 0)
            {
                gapsByStage.Add((stage, orphans));
            }
        }

        // Group stages that orphan the same segments; keep a group together only while one
        // witness customer really is without an owner at every stage of it.
        while (gapsByStage.Count > 0)
        {
            var (firstStage, firstOrphans) = gapsByStage[0];
            (SegmentSymbol segment, Region gap) = firstOrphans[0];
            decimal[] point = regions.Witnesses.PickPoint(gap);
            string key = Key(firstOrphans);
            var group = gapsByStage
                .Where(g => Key(g.Orphans) == key && regions.Space.Contains(g.Orphans[0].Gap, point))
                .ToList();
            gapsByStage.RemoveAll(g => group.Contains(g));

            var segments = firstOrphans.Select(o => o.Segment).ToList();
            Witness witness = regions.Witnesses.ToWitness(point, segment.IsAssigned ? segment : null);
            string who = Naming.List([.. segments.Select(s => s.Name)]);
            if (gap.Boxes.Length == 1 && !segment.IsAssigned && segments.Count == 1
                && regions.Witnesses.Describe(gap.Boxes[0]) is { Length: > 0 } description)
            {
                who += $" ({description})";
            }

            var related = segments.Select(s => context.Related(s, $"{s.Name} has no accountable owner at {Naming.Stages(group.Select(g => g.Stage))}"))
                .Concat(group.Skip(1).Select(g => context.Related(g.Stage, $"also without an owner at {g.Stage.Name}")));
            context.Report(Rule, group[0].Stage.Span, related, witness, Naming.Stages(group.Select(g => g.Stage)), who, witness);
        }
    }

    /// <summary>
    /// The segments some of whose customers have no accountable owner at the stage, every one of
    /// them and not only those this rule names (it names each uncovered customer once), for the
    /// accountability matrix. An unowned predicate segment whose customers all have an owner
    /// through other segments is not among them. Null when the policy cannot be analysed exactly.
    /// </summary>
    internal static IReadOnlySet<SegmentSymbol>? SegmentsWithoutOwnerAt(AnalysisContext context, StageSymbol stage)
    {
        SegmentRegions regions = context.Regions;
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return null;
        }

        BoundPolicy policy = context.Policy;
        Region free = regions.Algebra.Subtract(
            regions.Algebra.All,
            new Region([.. policy.Segments
                .Where(s => !s.IsAssigned && context.Accountability.OwnerOf(s, stage) is not null)
                .SelectMany(s => regions.RegionOf(s)!.Boxes)]));
        var result = new HashSet<SegmentSymbol>();
        if (free.IsEmpty)
        {
            return result;
        }

        // With assigned segments a customer is also in exactly one of them, so a predicate
        // segment's customers lack an owner only where their assigned segment has none either.
        if (policy.HasAssignedSegments)
        {
            free = regions.Algebra.Intersect(free, regions.Algebra.UnionAll(policy.Segments
                .Where(s => s.IsAssigned && context.Accountability.OwnerOf(s, stage) is null)
                .Select(regions.CustomersOf)));
        }

        foreach (SegmentSymbol segment in policy.Segments.Where(s => context.Accountability.OwnerOf(s, stage) is null))
        {
            if (!regions.Algebra.Intersect(regions.CustomersOf(segment), free).IsEmpty)
            {
                result.Add(segment);
            }
        }

        return result;
    }

    private static string Key(List<(SegmentSymbol Segment, Region Gap)> orphans) => string.Join(',', orphans.Select(o => o.Segment.Ordinal));

    /// <summary>
    /// Predicate segments only: the customers no owned segment covers are computed once for the
    /// stage; each unowned segment's gap is its share of them. When the owned segments cover
    /// everyone (the usual case) every unowned segment is settled at once, however many there are.
    /// </summary>
    private static List<(SegmentSymbol, Region)> PredicateOrphans(AnalysisContext context, StageSymbol stage)
    {
        SegmentRegions regions = context.Regions;
        var owned = new List<Box>();
        var unowned = new List<(SegmentSymbol Segment, Region Region)>();
        foreach (SegmentSymbol segment in context.Policy.Segments)
        {
            Region region = regions.RegionOf(segment)!;
            if (region.IsEmpty)
            {
                continue;
            }

            if (context.Accountability.OwnerOf(segment, stage) is null)
            {
                unowned.Add((segment, region));
            }
            else
            {
                owned.AddRange(region.Boxes);
            }
        }

        var orphans = new List<(SegmentSymbol, Region)>();
        if (unowned.Count == 0)
        {
            return orphans;
        }

        Region uncovered = regions.Algebra.Subtract(regions.Algebra.All, new Region([.. owned]));
        var reported = new List<Box>();
        foreach ((SegmentSymbol segment, Region region) in unowned)
        {
            if (uncovered.IsEmpty)
            {
                break;
            }

            // Customers already reported with an earlier orphan are not reported again.
            Region gap = regions.Algebra.Subtract(regions.Algebra.Intersect(region, uncovered), new Region([.. reported]));
            if (!gap.IsEmpty)
            {
                orphans.Add((segment, gap));
                reported.AddRange(region.Boxes);
            }
        }

        return orphans;
    }

    /// <summary>With assigned segments: unowned cells, where owned predicate segments leave anyone out.</summary>
    private static List<(SegmentSymbol, Region)> AssignedOrphans(AnalysisContext context, StageSymbol stage)
    {
        SegmentRegions regions = context.Regions;
        var orphans = new List<(SegmentSymbol, Region)>();
        Region? free = null;
        foreach (SegmentSymbol segment in context.Policy.Segments.Where(s => s.IsAssigned))
        {
            if (context.Accountability.OwnerOf(segment, stage) is not null)
            {
                continue;
            }

            free ??= regions.Algebra.Subtract(
                regions.Algebra.All,
                new Region([.. context.Policy.Segments
                    .Where(s => !s.IsAssigned && context.Accountability.OwnerOf(s, stage) is not null)
                    .SelectMany(s => regions.RegionOf(s)!.Boxes)]));
            if (free.IsEmpty)
            {
                break;
            }

            Region gap = regions.Algebra.Intersect(free, regions.CustomersOf(segment));
            if (!gap.IsEmpty)
            {
                orphans.Add((segment, gap));
            }
        }

        return orphans;
    }
}

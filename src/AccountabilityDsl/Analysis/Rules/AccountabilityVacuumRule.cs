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
/// Each finding is anchored on the segment that lacks an owner (the stages are related
/// locations), so accepting one gap with a suppression does not hide the others.
/// </summary>
public sealed class AccountabilityVacuumRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.AccountabilityVacuum,
        "Accountability vacuum",
        "no accountable owner at {0} for customers in {1}; for example the customer {2}",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        // With a fallback owner these customers have one; OWN0106 lists them instead.
        if (context.Policy.Fallback is not null)
        {
            return;
        }

        foreach (VacuumGap gap in Gaps(context))
        {
            context.Report(Rule, gap.Segment, gap.StageLocations(context, "without an owner at"), gap.Witness,
                Naming.Stages(gap.Stages), gap.Who, gap.Witness);
        }
    }

    /// <summary>
    /// The customers without an accountable owner, per segment that lacks one: each finding is
    /// one segment, the stages where one witness customer of it has no owner, and that witness.
    /// Each uncovered customer is attributed to one segment only (the first that contains it).
    /// Empty when the policy cannot be analysed exactly.
    /// </summary>
    internal static List<VacuumGap> Gaps(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        SegmentRegions regions = context.Regions;
        var result = new List<VacuumGap>();
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return result;
        }

        // Per segment, the stages where some of its customers lack an owner, with those customers.
        // Stages where the same segments have owners have the same gaps: compute those once.
        var bySegment = new SortedDictionary<int, List<(StageSymbol Stage, Region Gap)>>();
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

            foreach ((SegmentSymbol segment, Region gap) in orphans)
            {
                if (!bySegment.TryGetValue(segment.Ordinal, out var stages))
                {
                    bySegment[segment.Ordinal] = stages = [];
                }

                stages.Add((stage, gap));
            }
        }

        // Keep stages together only while one witness customer really is without an owner at
        // every one of them.
        foreach ((int ordinal, List<(StageSymbol Stage, Region Gap)> stages) in bySegment)
        {
            SegmentSymbol segment = policy.Segments[ordinal];
            while (stages.Count > 0)
            {
                Region gap = stages[0].Gap;
                decimal[] point = regions.Witnesses.PickPoint(gap);
                var group = stages.Where(g => regions.Space.Contains(g.Gap, point)).ToList();
                stages.RemoveAll(group.Contains);
                Witness witness = regions.Witnesses.ToWitness(point, segment.IsAssigned ? segment : null);
                string who = segment.Name;
                if (gap.Boxes.Length == 1 && regions.Witnesses.Describe(gap.Boxes[0]) is { Length: > 0 } description
                    && !regions.Algebra.Subtract(regions.CustomersOf(segment), gap).IsEmpty)
                {
                    // The customers of the segment that lack an owner, when not all of them do.
                    who += $" ({description})";
                }

                result.Add(new VacuumGap(segment, [.. group.Select(g => g.Stage)], witness, who));
            }
        }

        return result;
    }

    /// <summary>
    /// The customers who are in some segment but have no accountable owner at the stage (the
    /// fallback owner's, when there is one). Empty when the policy cannot be analysed exactly.
    /// </summary>
    internal static Region UnownedCustomers(AnalysisContext context, StageSymbol stage)
    {
        SegmentRegions regions = context.Regions;
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return Region.Empty;
        }

        BoundPolicy policy = context.Policy;
        RegionAlgebra algebra = regions.Algebra;
        Region free = algebra.Subtract(algebra.All, new Region([.. policy.Segments
            .Where(s => !s.IsAssigned && context.Accountability.OwnerOf(s, stage) is not null)
            .SelectMany(s => regions.RegionOf(s)!.Boxes)]));
        return policy.HasAssignedSegments
            ? algebra.Intersect(free, algebra.UnionAll(policy.Segments
                .Where(s => s.IsAssigned && context.Accountability.OwnerOf(s, stage) is null)
                .Select(regions.CustomersOf)))
            : algebra.Intersect(free, algebra.UnionAll(policy.Segments.Select(regions.CustomersOf)));
    }

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

/// <summary>One segment's customers without an accountable owner at some stages, with a witness (OWN0101, OWN0106).</summary>
internal sealed record VacuumGap(SegmentSymbol Segment, List<StageSymbol> Stages, Witness Witness, string Who)
{
    /// <summary>The stages as related locations: where the lifecycle names them.</summary>
    public IEnumerable<RelatedLocation> StageLocations(AnalysisContext context, string prefix) =>
        Stages.Select(stage => context.Related(stage, $"{prefix} {stage.Name}"));
}

using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0104: two segments that share customers have different accountable owners at the same
/// stage, so those customers have two owners. Predicate segments overlap where their regions
/// intersect; an assigned segment overlaps every non-empty predicate segment (its customers can
/// have any attribute values); two assigned segments never overlap. One diagnostic per pair of
/// segments and owners, listing every stage where they collide.
/// </summary>
public sealed class OverlapConflictRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.OverlapConflict,
        "Overlap conflict",
        "{0} (accountable: {1}) overlaps {2} (accountable: {3}) at {4}, so customers in both have two accountable owners; for example the customer {5}",
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

        var predicateSegments = policy.Segments.Where(s => !s.IsAssigned && !regions.IsEmpty(s)).ToList();
        var assignedSegments = policy.Segments.Where(s => s.IsAssigned).ToList();
        // Whether two segments share a customer does not depend on the stage: decide it once.
        var overlaps = new Dictionary<(int, int), decimal[]?>();
        var conflicts = new Dictionary<(int, int, OwnerSymbol, OwnerSymbol), List<StageSymbol>>();
        var order = new List<(int, int, OwnerSymbol, OwnerSymbol)>();

        void Record(SegmentSymbol first, OwnerSymbol firstOwner, SegmentSymbol second, OwnerSymbol secondOwner, StageSymbol stage)
        {
            var pair = (first.Ordinal, second.Ordinal);
            if (!overlaps.TryGetValue(pair, out decimal[]? point))
            {
                overlaps[pair] = point = regions.SharedCustomer(first, second);
            }

            if (point is null)
            {
                return;
            }

            var key = (first.Ordinal, second.Ordinal, firstOwner, secondOwner);
            if (!conflicts.TryGetValue(key, out List<StageSymbol>? stages))
            {
                conflicts[key] = stages = [];
                order.Add(key);
            }

            stages.Add(stage);
        }

        // Only segments that have an owner at some stage can conflict; find which of them share
        // customers once, for every stage.
        var participants = predicateSegments.Where(s => policy.Stages.Any(t => context.Accountability.OwnerOf(s, t) is not null)).ToList();
        IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)> overlapping = context.Facts.OverlappingOwnedPairs!;
        foreach (StageSymbol stage in policy.Stages)
        {
            foreach ((SegmentSymbol first, SegmentSymbol second) in overlapping)
            {
                if (context.Accountability.OwnerOf(first, stage) is { } firstOwner
                    && context.Accountability.OwnerOf(second, stage) is { } secondOwner
                    && firstOwner != secondOwner)
                {
                    Record(first, firstOwner, second, secondOwner, stage);
                }
            }

            var owned = participants
                .Select(s => (Segment: s, Owner: context.Accountability.OwnerOf(s, stage)))
                .Where(x => x.Owner is not null)
                .ToList();
            if (owned.Count == 0)
            {
                continue;
            }

            // An assigned segment overlaps every non-empty predicate segment. Assigned segments
            // with the same owner collide the same way: one representative per owner keeps this
            // linear in the number of assigned segments. When predicates name assigned segments
            // that no longer holds (`where not Gold` misses Gold), so every assigned segment is
            // checked on its own.
            bool assignedAxis = regions.Space.AssignedDimension >= 0;
            var representativeByOwner = new List<(OwnerSymbol Owner, SegmentSymbol Segment)>();
            foreach (SegmentSymbol assigned in assignedSegments)
            {
                if (context.Accountability.OwnerOf(assigned, stage) is { } owner
                    && (assignedAxis || !representativeByOwner.Any(r => r.Owner == owner)))
                {
                    representativeByOwner.Add((owner, assigned));
                }
            }

            foreach ((OwnerSymbol assignedOwner, SegmentSymbol assigned) in representativeByOwner)
            {
                foreach ((SegmentSymbol segment, OwnerSymbol? owner) in owned)
                {
                    if (owner != assignedOwner)
                    {
                        Record(assigned, assignedOwner, segment, owner!, stage);
                    }
                }
            }
        }

        foreach (var key in order)
        {
            SegmentSymbol first = policy.Segments[key.Item1];
            SegmentSymbol second = policy.Segments[key.Item2];
            List<StageSymbol> stages = conflicts[key];
            AssignmentSymbol firstClaim = context.Accountability.DecidingClaim(first, stages[0])!;
            AssignmentSymbol secondClaim = context.Accountability.DecidingClaim(second, stages[0])!;
            // Report on the later claim: usually the line just added.
            (AssignmentSymbol at, AssignmentSymbol other) = firstClaim.Ordinal > secondClaim.Ordinal ? (firstClaim, secondClaim) : (secondClaim, firstClaim);
            (SegmentSymbol atSegment, OwnerSymbol atOwner, SegmentSymbol otherSegment, OwnerSymbol otherOwner) = at == firstClaim
                ? (first, key.Item3, second, key.Item4)
                : (second, key.Item4, first, key.Item3);

            decimal[] point = overlaps[(key.Item1, key.Item2)]!;
            SegmentSymbol? assigned = first.IsAssigned ? first : second.IsAssigned ? second : null;
            Witness witness = regions.Witnesses.ToWitness(point, assigned);
            RelatedLocation[] related =
            [
                context.Related(other.Syntax, $"{otherOwner.Name} is accountable for {otherSegment.Name} here"),
                context.Related(atSegment, $"segment {atSegment.Name}"),
                context.Related(otherSegment, $"segment {otherSegment.Name}"),
            ];
            context.Report(Rule, at.Syntax, related, witness,
                atSegment.Name, atOwner.Name, otherSegment.Name, otherOwner.Name, Naming.Stages(stages), witness);
        }
    }
}

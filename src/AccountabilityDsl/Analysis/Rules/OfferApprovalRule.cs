using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0302: an offer reaches customers whose accountable owner at that stage neither sponsors
/// nor approves it. The accountable owner decides what their customers receive; a product
/// manager cannot promote over their head. Uses the same exact overlap reasoning as OWN0104:
/// the offer reaches every customer of its target segments, and each such customer's owners are
/// the owners of every segment they are in.
/// </summary>
public sealed class OfferApprovalRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0302",
        "Offer not approved by the accountable owner",
        "offer '{0}' reaches customers for whom {1} is accountable at {2}, but {1} neither sponsors nor approves it; add '{1}' to its 'approved by' list (for example the customer {3})",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        SegmentRegions regions = context.Regions;
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty || policy.Offers.IsEmpty)
        {
            return;
        }

        var predicateSegments = policy.Segments.Where(s => !s.IsAssigned && !regions.IsEmpty(s)).ToList();
        var stageOwners = new Dictionary<StageSymbol, StageOwners>();
        foreach (OfferSymbol offer in policy.Offers)
        {
            var approvers = new HashSet<OwnerSymbol>(offer.ApprovedBy);
            if (offer.Sponsor is not null)
            {
                approvers.Add(offer.Sponsor);
            }

            var findings = new Dictionary<OwnerSymbol, Finding>();
            var order = new List<OwnerSymbol>();
            foreach (StageSymbol stage in offer.Stages)
            {
                if (!stageOwners.TryGetValue(stage, out StageOwners? owners))
                {
                    stageOwners[stage] = owners = new StageOwners(context, stage, predicateSegments);
                }

                foreach ((OwnerSymbol owner, SegmentSymbol owned, SegmentSymbol target) in Reached(offer, owners, predicateSegments))
                {
                    if (approvers.Contains(owner) || (findings.TryGetValue(owner, out Finding? known) && known.Stages.Contains(stage)))
                    {
                        continue;
                    }

                    if (Reach(regions, target, owned) is not { } reach)
                    {
                        continue;
                    }

                    if (!findings.TryGetValue(owner, out Finding? finding))
                    {
                        findings[owner] = finding = new Finding([], reach.Point, reach.Assigned, context.Accountability.DecidingClaim(owned, stage)!);
                        order.Add(owner);
                    }

                    finding.Stages.Add(stage);
                }
            }

            foreach (OwnerSymbol owner in order)
            {
                Finding finding = findings[owner];
                Witness witness = regions.Witnesses.ToWitness(finding.Point, finding.Assigned);
                context.Report(Rule, offer.Syntax.Name.Span,
                    [context.Related(finding.Claim.Syntax, $"{owner.Name} is accountable here")],
                    witness, offer.Name, owner.Name, Naming.Stages(finding.Stages), witness);
            }
        }
    }

    /// <summary>
    /// Candidate (owner, owned segment, targeted segment) triples: every owned segment that may
    /// share customers with a targeted one. Assigned segments are represented once per owner, so
    /// offers to <c>*</c> stay cheap however many assigned segments a policy has.
    /// </summary>
    private static IEnumerable<(OwnerSymbol Owner, SegmentSymbol Owned, SegmentSymbol Target)> Reached(
        OfferSymbol offer, StageOwners owners, List<SegmentSymbol> predicateSegments)
    {
        IEnumerable<SegmentSymbol> assignedTargets = offer.Segments.IsAll
            ? owners.AssignedByOwner.Select(a => a.Segment)
            : offer.Segments.Listed.Where(s => s.IsAssigned);
        IEnumerable<SegmentSymbol> predicateTargets = offer.Segments.IsAll
            ? predicateSegments
            : offer.Segments.Listed.Where(s => !s.IsAssigned && predicateSegments.Contains(s));
        foreach (SegmentSymbol target in assignedTargets)
        {
            if (owners.Map.OwnerOf(target, owners.Stage) is { } owner)
            {
                yield return (owner, target, target);
            }

            foreach ((SegmentSymbol owned, OwnerSymbol predicateOwner) in owners.Predicate)
            {
                yield return (predicateOwner, owned, target);
            }
        }

        foreach (SegmentSymbol target in predicateTargets)
        {
            foreach ((SegmentSymbol owned, OwnerSymbol predicateOwner) in owners.Predicate)
            {
                yield return (predicateOwner, owned, target);
            }

            foreach ((OwnerSymbol assignedOwner, SegmentSymbol assigned) in owners.AssignedByOwner)
            {
                yield return (assignedOwner, assigned, target);
            }
        }
    }

    private sealed record Finding(List<StageSymbol> Stages, decimal[] Point, SegmentSymbol? Assigned, AssignmentSymbol Claim);

    /// <summary>Who owns what at one stage, computed once and shared by every offer.</summary>
    private sealed class StageOwners
    {
        public StageOwners(AnalysisContext context, StageSymbol stage, List<SegmentSymbol> predicateSegments)
        {
            Stage = stage;
            Map = context.Accountability;
            Predicate = [.. predicateSegments
                .Select(s => (s, Map.OwnerOf(s, stage)))
                .Where(x => x.Item2 is not null)
                .Select(x => (x.s, x.Item2!))];
            // One assigned segment per owner stands for the others, unless predicates name
            // assigned segments: then which one a customer is in matters, and each is kept.
            bool assignedAxis = context.Regions.Space.AssignedDimension >= 0;
            var represented = new HashSet<OwnerSymbol>();
            foreach (SegmentSymbol segment in context.Policy.Segments.Where(s => s.IsAssigned))
            {
                if (Map.OwnerOf(segment, stage) is { } owner && (represented.Add(owner) || assignedAxis))
                {
                    AssignedByOwner.Add((owner, segment));
                }
            }
        }

        public StageSymbol Stage { get; }

        public AccountabilityMap Map { get; }

        public List<(SegmentSymbol Segment, OwnerSymbol Owner)> Predicate { get; }

        public List<(OwnerSymbol Owner, SegmentSymbol Segment)> AssignedByOwner { get; } = [];
    }

    /// <summary>A customer the offer targets (via <paramref name="target"/>) who is in <paramref name="owned"/>.</summary>
    private static (decimal[] Point, SegmentSymbol? Assigned)? Reach(SegmentRegions regions, SegmentSymbol target, SegmentSymbol owned) =>
        regions.SharedCustomer(target, owned) is { } point ? (point, target.IsAssigned ? target : owned.IsAssigned ? owned : null) : null;
}

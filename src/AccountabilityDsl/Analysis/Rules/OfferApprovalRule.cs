using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0302: an offer reaches customers whose accountable owner at that stage neither sponsors
/// nor approves it. The accountable owner decides what their customers receive; a product
/// manager cannot promote over their head. Uses the same exact overlap reasoning as OWN0104:
/// the offer reaches every customer of its target segments, and each such customer's owners are
/// the owners of every segment they are in. Approval follows the reporting line: an owner's
/// customers may receive an offer that the owner, or anyone the owner reports to (directly or
/// not), sponsors or approves. Customers owned only through <c>fallback</c> need the fallback
/// owner's approval the same way. The finding points at the <c>approved by</c> clause (the
/// offer's name when it has none) and relates the claim and the segment through which the owner
/// is reached.
/// </summary>
public sealed class OfferApprovalRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0302",
        "Offer not approved by the accountable owner",
        "offer '{0}' reaches customers for whom {1} is accountable at {2}{3}, but {4}; add '{1}' to its 'approved by' list (for example the customer {5})",
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
                    if (offer.ApproverFor(owner) is not null || (findings.TryGetValue(owner, out Finding? known) && known.Stages.Contains(stage)))
                    {
                        continue;
                    }

                    if (Reach(regions, target, owned) is not { } reach)
                    {
                        continue;
                    }

                    if (!findings.TryGetValue(owner, out Finding? finding))
                    {
                        AssignmentSymbol claim = context.Accountability.DecidingClaim(owned, stage)!;
                        findings[owner] = finding = new Finding([], reach.Point, reach.Assigned, claim.Syntax, $"{owner.Name} is accountable here", owned);
                        order.Add(owner);
                    }

                    finding.Stages.Add(stage);
                }

                if (policy.Fallback is { } fallback && offer.ApproverFor(fallback) is null
                    && !(findings.TryGetValue(fallback, out Finding? fallbackKnown) && fallbackKnown.Stages.Contains(stage))
                    && FallbackReach(context, offer, stage) is { } fallbackReach)
                {
                    if (!findings.TryGetValue(fallback, out Finding? finding))
                    {
                        findings[fallback] = finding = new Finding([], fallbackReach.Point, fallbackReach.Assigned, policy.FallbackSyntax!,
                            $"{fallback.Name} is the fallback owner here, accountable for customers no accountable line claims", null);
                        order.Add(fallback);
                    }

                    finding.Stages.Add(stage);
                }
            }

            foreach (OwnerSymbol owner in order)
            {
                Finding finding = findings[owner];
                Witness witness = regions.Witnesses.ToWitness(finding.Point, finding.Assigned);
                var related = new List<RelatedLocation> { context.Related(finding.Claim, finding.ClaimMessage) };
                if (finding.Through is { } through)
                {
                    related.Add(context.Related(through, $"the offer reaches customers of {owner.Name} through segment {through.Name}"));
                }

                // Anchored on the whole 'approved by' list (or the offer's name without one).
                ImmutableArray<NameSyntax> approvedBy = offer.Syntax.ApprovedBy;
                TextSpan anchor = approvedBy.IsDefaultOrEmpty ? offer.Syntax.Name.Span : TextSpan.FromBounds(approvedBy[0].Span.Start, approvedBy[^1].Span.End);
                string via = finding.Through is { } segment ? $" (through segment {segment.Name})" : " (customers no accountable line claims)";
                var superiors = owner.Superiors.Select(o => o.Name).ToList();
                string nobody = superiors.Count == 0
                    ? $"{owner.Name} neither sponsors nor approves it"
                    : $"neither {owner.Name} nor anyone {owner.Name} reports to ({string.Join(", ", superiors)}) sponsors or approves it";
                context.Report(Diagnostic.Create(Rule, new Location(context.Policy.SourceOf(offer.Syntax), anchor), related, witness, offer.Name, owner.Name, Naming.Stages(finding.Stages), via, nobody, witness));
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

    private sealed record Finding(List<StageSymbol> Stages, decimal[] Point, SegmentSymbol? Assigned, SyntaxNode Claim, string ClaimMessage, SegmentSymbol? Through);

    /// <summary>A customer the offer targets at the stage who has no owner but the fallback.</summary>
    private static (decimal[] Point, SegmentSymbol? Assigned)? FallbackReach(AnalysisContext context, OfferSymbol offer, StageSymbol stage)
    {
        SegmentRegions regions = context.Regions;
        Region unowned = AccountabilityVacuumRule.UnownedCustomers(context, stage);
        if (unowned.IsEmpty)
        {
            return null;
        }

        // With assigned segments, such a customer is in an assigned segment nobody claims.
        var unclaimedAssigned = context.Policy.Segments.Where(s => s.IsAssigned && context.Accountability.OwnerOf(s, stage) is null).ToList();
        foreach (SegmentSymbol target in offer.Segments.Resolve(context.Policy.Segments))
        {
            if (target.IsAssigned && !unclaimedAssigned.Contains(target))
            {
                continue;
            }

            Region reached = regions.Algebra.Intersect(unowned, regions.CustomersOf(target));
            if (!reached.IsEmpty)
            {
                SegmentSymbol? assigned = target.IsAssigned ? target : unclaimedAssigned.FirstOrDefault();
                return (regions.Witnesses.PickPoint(reached), assigned);
            }
        }

        return null;
    }

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

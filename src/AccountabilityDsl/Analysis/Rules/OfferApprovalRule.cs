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
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return;
        }

        foreach (OfferSymbol offer in policy.Offers)
        {
            var approvers = new HashSet<OwnerSymbol>(offer.ApprovedBy);
            if (offer.Sponsor is not null)
            {
                approvers.Add(offer.Sponsor);
            }

            var targets = offer.Segments.Resolve(policy.Segments).Where(s => s.IsAssigned || !regions.IsEmpty(s)).ToList();
            // Per unapproving owner: the stages, the first witness and the claim that makes them accountable.
            var findings = new Dictionary<OwnerSymbol, (List<StageSymbol> Stages, decimal[] Point, SegmentSymbol? Assigned, AssignmentSymbol Claim)>();
            var order = new List<OwnerSymbol>();
            foreach (StageSymbol stage in offer.Stages)
            {
                foreach (SegmentSymbol owned in policy.Segments)
                {
                    if (context.Accountability.OwnerOf(owned, stage) is not { } owner || approvers.Contains(owner))
                    {
                        continue;
                    }

                    if (findings.TryGetValue(owner, out var known) && known.Stages.Contains(stage))
                    {
                        continue;
                    }

                    foreach (SegmentSymbol target in targets)
                    {
                        if (Reach(regions, target, owned) is not { } reach)
                        {
                            continue;
                        }

                        if (!findings.TryGetValue(owner, out var finding))
                        {
                            finding = ([], reach.Point, reach.Assigned, context.Accountability.Claims(owned, stage)[0]);
                            findings[owner] = finding;
                            order.Add(owner);
                        }

                        finding.Stages.Add(stage);
                        break;
                    }
                }
            }

            foreach (OwnerSymbol owner in order)
            {
                var (stages, point, assigned, claim) = findings[owner];
                Witness witness = regions.Witnesses.ToWitness(point, assigned);
                context.Report(Rule, offer.Syntax.Name.Span,
                    [context.Related(claim.Syntax, $"{owner.Name} is accountable here")],
                    witness, offer.Name, owner.Name, Naming.Stages(stages), witness);
            }
        }
    }

    /// <summary>A customer the offer targets (via <paramref name="target"/>) who is in <paramref name="owned"/>.</summary>
    private static (decimal[] Point, SegmentSymbol? Assigned)? Reach(SegmentRegions regions, SegmentSymbol target, SegmentSymbol owned)
    {
        if (target.IsAssigned && owned.IsAssigned)
        {
            return target == owned ? (regions.Witnesses.PickPoint(regions.Algebra.All), target) : null;
        }

        Region targetRegion = target.IsAssigned ? regions.Algebra.All : regions.RegionOf(target)!;
        Region ownedRegion = owned.IsAssigned ? regions.Algebra.All : regions.RegionOf(owned)!;
        foreach (Box x in targetRegion.Boxes)
        {
            foreach (Box y in ownedRegion.Boxes)
            {
                if (regions.Space.Intersect(x, y) is { } both)
                {
                    return (regions.Witnesses.PickPoint(both), target.IsAssigned ? target : owned.IsAssigned ? owned : null);
                }
            }
        }

        return null;
    }
}

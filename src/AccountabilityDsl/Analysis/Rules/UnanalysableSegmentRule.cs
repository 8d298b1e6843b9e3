using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0108: the exact analysis cannot reason about part of the policy (a predicate whose normal
/// form is enormous, or an enum too large for exact value sets), so the region rules (OWN0101,
/// OWN0103, OWN0104, OWN0105, OWN0302) stay silent for the policy. Saying so is better than a
/// clean report that only looks clean.
/// </summary>
public sealed class UnanalysableSegmentRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0108",
        "Policy too complex to analyse exactly",
        "{0}; accountability vacuums, overlaps and offer approvals were not checked for this policy",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        SegmentRegions regions = context.Regions;
        foreach (AttributeSymbol attribute in policy.Attributes.Where(a => a.Members.Length > CustomerSpace.MaxMembers))
        {
            context.Report(Rule, attribute, null, null,
                $"enum attribute '{attribute.Name}' has {attribute.Members.Length} members, more than the {CustomerSpace.MaxMembers} the exact analysis supports");
        }

        if (regions.TooManyAssignedSegments)
        {
            SegmentSymbol first = policy.Segments.First(s => s.ReferencedSegments.Any(r => r.IsAssigned));
            context.Report(Rule, first.Syntax.Predicate!, null, null,
                $"predicates name assigned segments, and the policy has {policy.Segments.Count(s => s.IsAssigned)} of them, more than the {CustomerSpace.MaxMembers} the exact analysis supports");
        }

        foreach (SegmentSymbol segment in regions.TooComplex)
        {
            context.Report(Rule, segment.Syntax.Predicate!, null, null,
                $"the predicate of segment '{segment.Name}' expands to more than {RegionAlgebra.MaxBoxes} boxes; split it into simpler segments");
        }
    }
}

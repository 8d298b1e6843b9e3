using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0103: some customer is in no segment at all, so nobody can ever be accountable for them.
/// Only predicate segments can leave such gaps: assigned segments partition the customers.
/// </summary>
public sealed class UncoveredCustomersRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0103",
        "Uncovered customers",
        "{0} in no segment, so no owner can be accountable for them ('*' in a declaration means every segment, not every customer); for example the customer {1}",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        SegmentRegions regions = context.Regions;
        if (policy.HasAssignedSegments || !regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return;
        }

        RegionAlgebra algebra = regions.Algebra;
        Region covered = algebra.UnionAll(policy.Segments.Select(s => regions.RegionOf(s)!));

        Region gap;
        try
        {
            gap = algebra.Subtract(algebra.All, covered);
        }
        catch (RegionTooComplexException)
        {
            return;
        }

        if (gap.IsEmpty)
        {
            return;
        }

        string description = regions.Witnesses.Describe(gap.Boxes[0]);
        string who = description.Length == 0
            ? "every customer is"
            : gap.Boxes.Length == 1
                ? $"customers with {description} are"
                : $"customers with {description} (and {gap.Boxes.Length - 1} other group{(gap.Boxes.Length == 2 ? "" : "s")}) are";
        Witness witness = regions.Witnesses.ToWitness(regions.Witnesses.PickPoint(gap));
        var related = BoundingSegments(policy, regions, gap.Boxes[0]).Select(s =>
            context.Related(s, $"{s.Name} is bounded here ({policy.TextOf(s.Syntax.Predicate!)})")).ToList();
        if (policy.Header?.Name is { IsMissing: false } name)
        {
            context.Report(Rule, name, related, witness, who, witness);
        }
        else
        {
            context.Report(Diagnostic.Create(Rule, policy.GetLocation(new TextSpan(0, 0)), related, witness, who, witness));
        }
    }

    /// <summary>
    /// The segments whose predicates constrain the attributes that describe the gap: the bounds
    /// that, between them, leave those customers out.
    /// </summary>
    private static IEnumerable<SegmentSymbol> BoundingSegments(BoundPolicy policy, SegmentRegions regions, Box gap)
    {
        var constrained = new HashSet<AttributeSymbol>();
        for (int d = 0; d < regions.Space.AttributeCount; d++)
        {
            if (!regions.Space.IsFull(d, gap[d]))
            {
                constrained.Add(regions.Space.Dimensions[d].Attribute);
            }
        }

        return policy.Segments.Where(s => s.Predicate is { } predicate && Attributes(predicate).Any(constrained.Contains));
    }

    private static IEnumerable<AttributeSymbol> Attributes(BoundPredicate predicate) => predicate switch
    {
        BoundComparison c => [c.Attribute],
        BoundMembership m => [m.Attribute],
        BoundNot n => Attributes(n.Operand),
        BoundLogical l => l.Operands.SelectMany(Attributes),
        _ => [],
    };
}

using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>OWN0105: a segment's <c>where</c> predicate is unsatisfiable, so the segment is always empty.</summary>
public sealed class EmptySegmentRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0105",
        "Empty segment",
        "segment '{0}' can never contain a customer: no attribute values satisfy its predicate{1}",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        foreach (SegmentSymbol segment in context.Policy.Segments)
        {
            if (context.Regions.IsEmpty(segment))
            {
                context.Report(Rule, segment.Syntax.Predicate!, null, null, segment.Name, OutOfIntRange(segment.Predicate));
            }
        }
    }

    /// <summary>
    /// The reason when it is not plain to see: a comparison of an int attribute (a C# <c>int</c>
    /// in the generated customer record) that some whole number satisfies, but no int does.
    /// </summary>
    private static string OutOfIntRange(BoundPredicate? predicate) => predicate switch
    {
        BoundComparison { Attribute.Type: AttributeKind.Int } c when RegionBuilder.IntervalsOf(c).All(i => i.ToIntegers().Intersect(CustomerSpace.IntDomain).IsEmpty)
            && RegionBuilder.IntervalsOf(c).Any(i => !i.ToIntegers().IsEmpty) =>
            $" ('{c.Attribute.Name}' is an int, from {int.MinValue} to {int.MaxValue})",
        BoundNot n => OutOfIntRange(n.Operand),
        BoundLogical l => l.Operands.Select(OutOfIntRange).FirstOrDefault(reason => reason.Length > 0) ?? "",
        _ => "",
    };
}

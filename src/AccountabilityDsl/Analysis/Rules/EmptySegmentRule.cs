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
                string reason = OutOfIntRange(segment.Predicate);
                context.Report(Rule, segment.Syntax.Predicate!, null, null, segment.Name, reason.Length > 0 ? reason : NoWholeNumber(segment.Predicate));
            }
        }
    }

    /// <summary>
    /// The reason when an int attribute's bounds leave room only for fractions: <c>x &gt; 49 and
    /// x &lt; 50</c> holds for 49.5, but an int is never 49.5.
    /// </summary>
    private static string NoWholeNumber(BoundPredicate? predicate)
    {
        var byAttribute = new Dictionary<AttributeSymbol, Interval>();
        foreach (BoundComparison comparison in Conjuncts(predicate).OfType<BoundComparison>().Where(c => c.Attribute.Type == AttributeKind.Int))
        {
            if (RegionBuilder.IntervalsOf(comparison) is [var interval])
            {
                byAttribute[comparison.Attribute] = byAttribute.TryGetValue(comparison.Attribute, out Interval known) ? known.Intersect(interval) : interval;
            }
        }

        foreach ((AttributeSymbol attribute, Interval interval) in byAttribute)
        {
            if (!interval.IsEmpty && interval.ToIntegers().IsEmpty && !interval.Lower.Infinite && !interval.Upper.Infinite)
            {
                return $" ('{attribute.Name}' is an int, and no whole number lies between {Interval.Format(interval.Lower.Value)} and {Interval.Format(interval.Upper.Value)})";
            }
        }

        return "";
    }

    /// <summary>The operands of a chain of <c>and</c>s, nested ones included.</summary>
    private static IEnumerable<BoundPredicate> Conjuncts(BoundPredicate? predicate) => predicate switch
    {
        BoundLogical { Operator: LogicalOperator.And } l => l.Operands.SelectMany(Conjuncts),
        null => [],
        _ => [predicate],
    };

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

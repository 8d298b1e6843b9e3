using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Binding;

/// <summary>Evaluates a bound predicate for one concrete customer (attribute values by ordinal).</summary>
public static class PredicateEvaluator
{
    /// <param name="values">Per attribute ordinal: the number, 0/1 for bools, the member index for enums.</param>
    /// <param name="assignedSegment">The assigned segment the host put the customer in, if any.</param>
    public static bool Evaluate(BoundPredicate predicate, IReadOnlyList<decimal> values, SegmentSymbol? assignedSegment = null) => predicate switch
    {
        BoundSegmentReference { Segment: { IsAssigned: true } segment } => segment == assignedSegment,
        // The binder rules out cycles, so following a definition through other segments ends.
        BoundSegmentReference { Segment.Predicate: { } definition } => Evaluate(definition, values, assignedSegment),
        BoundSegmentReference => false,
        BoundComparison c => Compare(values[c.Attribute.Ordinal], c.Operator, c.Value),
        BoundMembership m => m.Values.Contains(values[m.Attribute.Ordinal]),
        BoundNot n => !Evaluate(n.Operand, values, assignedSegment),
        BoundLogical { Operator: LogicalOperator.And } l => l.Operands.All(o => Evaluate(o, values, assignedSegment)),
        BoundLogical l => l.Operands.Any(o => Evaluate(o, values, assignedSegment)),
        _ => false,
    };

    private static bool Compare(decimal left, ComparisonOperator op, decimal right) => op switch
    {
        ComparisonOperator.LessThan => left < right,
        ComparisonOperator.LessThanOrEqual => left <= right,
        ComparisonOperator.GreaterThan => left > right,
        ComparisonOperator.GreaterThanOrEqual => left >= right,
        ComparisonOperator.Equal => left == right,
        _ => left != right,
    };
}

using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>
/// Turns a bound predicate into the exact region of customers that satisfy it. A segment named
/// in the predicate stands for its customers, which <paramref name="customersOf"/> supplies.
/// </summary>
internal sealed class RegionBuilder(RegionAlgebra algebra, Func<SegmentSymbol, Region> customersOf)
{
    private CustomerSpace Space => algebra.Space;

    public Region Build(BoundPredicate predicate) => predicate switch
    {
        BoundComparison c => Comparison(c),
        BoundMembership m => Membership(m),
        BoundSegmentReference r => customersOf(r.Segment),
        BoundNot n => algebra.Complement(Build(n.Operand)),
        BoundLogical { Operator: LogicalOperator.And } l => l.Operands.Skip(1).Aggregate(Build(l.Operands[0]), (acc, next) => acc.IsEmpty ? acc : algebra.Intersect(acc, Build(next))),
        // One union of every operand's boxes: folding pairwise would copy the growing union once per operand.
        BoundLogical l => algebra.UnionAll(l.Operands.Select(Build)),
        _ => throw new InvalidOperationException($"Unexpected predicate {predicate.GetType().Name}"),
    };

    private Region Comparison(BoundComparison comparison)
    {
        return FromIntervals(comparison.Attribute.Ordinal, IntervalsOf(comparison));
    }

    /// <summary>The numbers a comparison accepts, before rounding to whole numbers for int attributes.</summary>
    public static Interval[] IntervalsOf(BoundComparison comparison)
    {
        decimal v = comparison.Value;
        return comparison.Operator switch
        {
            ComparisonOperator.LessThan => [new(Bound.Unbounded, Bound.Open(v))],
            ComparisonOperator.LessThanOrEqual => [new(Bound.Unbounded, Bound.Closed(v))],
            ComparisonOperator.GreaterThan => [new(Bound.Open(v), Bound.Unbounded)],
            ComparisonOperator.GreaterThanOrEqual => [new(Bound.Closed(v), Bound.Unbounded)],
            ComparisonOperator.Equal => [new(Bound.Closed(v), Bound.Closed(v))],
            _ => [new(Bound.Unbounded, Bound.Open(v)), new(Bound.Open(v), Bound.Unbounded)],
        };
    }

    private Region Membership(BoundMembership membership)
    {
        int d = membership.Attribute.Ordinal;
        if (Space.Dimensions[d].Kind != DimensionKind.Discrete)
        {
            return FromIntervals(d, [.. membership.Values.Select(v => new Interval(Bound.Closed(v), Bound.Closed(v)))]);
        }

        ulong mask = 0;
        foreach (decimal value in membership.Values)
        {
            mask |= 1UL << (int)value;
        }

        return new Region([Space.With(Space.FullBox, d, new Constraint(default, mask))]);
    }

    private Region FromIntervals(int d, Interval[] intervals)
    {
        var boxes = new List<Box>(intervals.Length);
        foreach (Interval interval in intervals)
        {
            Interval normalized = Space.Normalize(d, interval);
            if (!normalized.IsEmpty)
            {
                boxes.Add(Space.With(Space.FullBox, d, new Constraint(normalized, 0)));
            }
        }

        return new Region([.. boxes]);
    }
}

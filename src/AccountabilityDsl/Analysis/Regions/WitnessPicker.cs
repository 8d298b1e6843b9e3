using System.Collections.Immutable;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>
/// Picks a readable customer inside a region and describes regions in words. Values are chosen
/// to be easy to recognise: 0 when allowed, else the boundary a predicate wrote, else a round
/// number inside an open interval; enums take their first allowed member, bools false first.
/// </summary>
internal sealed class WitnessPicker(CustomerSpace space, SegmentSymbol? anyAssignedSegment)
{
    public decimal[] PickPoint(Box box)
    {
        var point = new decimal[space.Rank];
        for (int d = 0; d < space.Rank; d++)
        {
            point[d] = space.Dimensions[d].Kind == DimensionKind.Discrete
                ? System.Numerics.BitOperations.TrailingZeroCount(box[d].Mask)
                : NiceValue(box[d].Interval, space.Dimensions[d].Kind == DimensionKind.Integer);
        }

        return point;
    }

    /// <summary>A point in the region, from its first box (regions here are never empty).</summary>
    public decimal[] PickPoint(Region region) => PickPoint(region.Boxes[0]);

    /// <summary>
    /// A complete customer: with assigned segments every customer is in one of them, so a finding
    /// that does not depend on which one names the first.
    /// </summary>
    public Witness ToWitness(decimal[] point, SegmentSymbol? assignedSegment = null)
    {
        // With a dimension for the assigned segment, the point itself says which one it is in.
        assignedSegment = space.AssignedDimension >= 0
            ? space.AssignedSegments[(int)point[space.AssignedDimension]]
            : assignedSegment ?? anyAssignedSegment;
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, WitnessValue>>(space.Rank + 1);
        if (assignedSegment is not null)
        {
            values.Add(new("segment", WitnessValue.Of(assignedSegment.Name)));
        }

        for (int d = 0; d < space.AttributeCount; d++)
        {
            AttributeSymbol attribute = space.Dimensions[d].Attribute;
            values.Add(new(attribute.Name, attribute.Type switch
            {
                AttributeKind.Bool => WitnessValue.Of(point[d] != 0),
                AttributeKind.Enum => WitnessValue.Of(attribute.Members[(int)point[d]]),
                _ => WitnessValue.Of(point[d]),
            }));
        }

        return new Witness(values.ToImmutable());
    }

    /// <summary>"assets >= 250000 and region in {North, East}"; empty for the whole space.</summary>
    public string Describe(Box box)
    {
        var parts = new List<string>();
        for (int d = 0; d < space.Rank; d++)
        {
            // Which assigned segment goes without saying: findings name the segment.
            if (space.IsFull(d, box[d]) || d == space.AssignedDimension)
            {
                continue;
            }

            AttributeSymbol attribute = space.Dimensions[d].Attribute;
            parts.Add(space.Dimensions[d].Kind == DimensionKind.Discrete
                ? DescribeMask(attribute, box[d].Mask)
                : DescribeInterval(attribute.Name, space.Dimensions[d].Kind == DimensionKind.Integer ? WithoutDomainEnds(box[d].Interval) : box[d].Interval));
        }

        return string.Join(" and ", parts);
    }

    private static string DescribeMask(AttributeSymbol attribute, ulong mask)
    {
        var names = new List<string>();
        for (int i = 0; i < 64 && mask >> i != 0; i++)
        {
            if ((mask & (1UL << i)) != 0)
            {
                names.Add(attribute.Type == AttributeKind.Bool ? (i == 1 ? "true" : "false") : attribute.Members[i]);
            }
        }

        return names.Count == 1 ? $"{attribute.Name} = {names[0]}" : $"{attribute.Name} in {{{string.Join(", ", names)}}}";
    }

    /// <summary>An end at the edge of <see cref="CustomerSpace.IntDomain"/> is no bound the policy wrote: "x &gt;= 6", not "6 &lt;= x &lt;= 2147483647".</summary>
    private static Interval WithoutDomainEnds(Interval interval) => new(
        interval.Lower.Infinite || interval.Lower.Value <= int.MinValue ? Bound.Unbounded : interval.Lower,
        interval.Upper.Infinite || interval.Upper.Value >= int.MaxValue ? Bound.Unbounded : interval.Upper);

    private static string DescribeInterval(string name, Interval interval)
    {
        string F(decimal v) => Interval.Format(v);
        if (!interval.Lower.Infinite && !interval.Upper.Infinite && interval.Lower.Value == interval.Upper.Value)
        {
            return $"{name} = {F(interval.Lower.Value)}";
        }

        string lower = interval.Lower.Infinite ? "" : $"{F(interval.Lower.Value)} {(interval.Lower.Inclusive ? "<=" : "<")} ";
        string upper = interval.Upper.Infinite ? "" : $" {(interval.Upper.Inclusive ? "<=" : "<")} {F(interval.Upper.Value)}";
        if (interval.Upper.Infinite)
        {
            return $"{name} {(interval.Lower.Inclusive ? ">=" : ">")} {F(interval.Lower.Value)}";
        }

        return lower + name + upper;
    }

    internal static decimal NiceValue(Interval interval, bool integer)
    {
        if (interval.Contains(0))
        {
            return 0;
        }

        // A boundary the policy wrote, the one nearer zero when both ends are closed.
        bool lowerClosed = !interval.Lower.Infinite && interval.Lower.Inclusive;
        bool upperClosed = !interval.Upper.Infinite && interval.Upper.Inclusive;
        if (lowerClosed && (!upperClosed || Math.Abs(interval.Lower.Value) <= Math.Abs(interval.Upper.Value)))
        {
            return interval.Lower.Value;
        }

        if (upperClosed)
        {
            return interval.Upper.Value;
        }

        // Open ends: the roundest number strictly inside, starting at the magnitude of the
        // written bound (x > 250000 gives 300000, not a trillion).
        decimal bound = Math.Max(Math.Abs(interval.Lower.Infinite ? 0 : interval.Lower.Value), Math.Abs(interval.Upper.Infinite ? 0 : interval.Upper.Value));
        decimal step = 1;
        while (step * 10 <= bound && step < 1_000_000_000_000_000m)
        {
            step *= 10;
        }

        // An open bound at 0 (x < 0, x > 0): start from whole numbers, so the witness reads -1 or
        // 1 (or -0.5 when that is what fits), not the millionth next to zero.
        while (bound > 0 && step > bound && step > 0.000001m)
        {
            step /= 10;
        }

        for (; step >= (integer ? 1m : 0.000001m); step /= 10)
        {
            decimal candidate = interval.Lower.Infinite
                ? (decimal.Ceiling(interval.Upper.Value / step) - 1) * step
                : (decimal.Floor(interval.Lower.Value / step) + 1) * step;
            if (interval.Contains(candidate))
            {
                return candidate;
            }
        }

        // An open interval narrower than a millionth: its midpoint.
        return interval.Lower.Infinite ? interval.Upper.Value - 1
            : interval.Upper.Infinite ? interval.Lower.Value + 1
            : (interval.Lower.Value + interval.Upper.Value) / 2;
    }
}

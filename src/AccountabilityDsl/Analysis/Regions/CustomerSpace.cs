using System.Collections.Immutable;
using System.Numerics;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Regions;

internal enum DimensionKind { Integer, Decimal, Discrete }

/// <summary>One attribute as an axis of the customer space.</summary>
internal sealed record Dimension(AttributeSymbol Attribute, DimensionKind Kind, ulong FullMask);

/// <summary>
/// A constraint on one dimension: an interval for numeric attributes, a set of values (bit i =
/// member i; for bool bit 0 = false, bit 1 = true) for discrete ones.
/// </summary>
internal readonly record struct Constraint(Interval Interval, ulong Mask);

/// <summary>
/// An axis-aligned box: one constraint per dimension. A region is a union of boxes. Boxes are
/// treated as immutable once built.
/// </summary>
internal sealed class Box(Constraint[] constraints)
{
    public Constraint[] Constraints { get; } = constraints;

    public Constraint this[int dimension] => Constraints[dimension];
}

/// <summary>
/// The space of customers: every assignment of values to the policy's attributes. Regions over it
/// are exact: intervals with open and closed ends (integer-rounded for int attributes) and value
/// sets for enums and bools. Nothing is sampled, and nothing enumerates attribute domains.
/// </summary>
internal sealed class CustomerSpace
{
    /// <summary>Enum attributes with more members than fit a 64-bit set are not analysed.</summary>
    public const int MaxMembers = 64;

    /// <param name="attributes">The policy's attributes, one dimension each.</param>
    /// <param name="assignedSegments">
    /// When a predicate names an assigned segment, the assigned segments: one more dimension
    /// says which of them the customer is in (an enum whose members are the segments, last).
    /// Empty otherwise, so that policies without such predicates reason exactly as before.
    /// </param>
    public CustomerSpace(ImmutableArray<AttributeSymbol> attributes, ImmutableArray<SegmentSymbol> assignedSegments = default)
    {
        AssignedSegments = assignedSegments.IsDefault ? [] : assignedSegments;
        IEnumerable<AttributeSymbol> axes = attributes;
        if (!AssignedSegments.IsEmpty)
        {
            // 'segment' is a keyword, so no declared attribute can have this name.
            axes = axes.Append(new AttributeSymbol(
                "segment", AssignedSegments[0].Declaration, AttributeKind.Enum, [.. AssignedSegments.Select(s => s.Name)], attributes.Length));
        }

        Dimensions = [.. axes.Select(a => new Dimension(
            a,
            a.Type switch
            {
                AttributeKind.Int => DimensionKind.Integer,
                AttributeKind.Decimal => DimensionKind.Decimal,
                _ => DimensionKind.Discrete,
            },
            a.Type switch
            {
                AttributeKind.Bool => 0b11UL,
                AttributeKind.Enum => a.Members.Length >= 64 ? ulong.MaxValue : (1UL << a.Members.Length) - 1,
                _ => 0,
            }))];
        AttributeCount = attributes.Length;
        FullBox = new Box([.. Dimensions.Select(Full)]);
    }

    /// <summary>The assigned segments along the last dimension; empty when there is no such dimension.</summary>
    public ImmutableArray<SegmentSymbol> AssignedSegments { get; }

    /// <summary>The dimension of the assigned segment, or -1.</summary>
    public int AssignedDimension => AssignedSegments.IsEmpty ? -1 : AttributeCount;

    /// <summary>How many dimensions are declared attributes (the assigned segment's comes after them).</summary>
    public int AttributeCount { get; }

    /// <summary>The customers the host assigned to <paramref name="segment"/>, when the space has that dimension.</summary>
    public Box AssignedSlice(SegmentSymbol segment) =>
        With(FullBox, AssignedDimension, new Constraint(default, 1UL << AssignedSegments.IndexOf(segment)));

    public ImmutableArray<Dimension> Dimensions { get; }

    public int Rank => Dimensions.Length;

    /// <summary>Every customer.</summary>
    public Box FullBox { get; }

    /// <summary>
    /// The values an <c>int</c> attribute can hold: the generated customer record stores it as a C#
    /// <c>int</c>. Bounding the dimension keeps the analysis to customers that can exist: without it,
    /// <c>x &lt;= 2147483647</c> left a vacuum at <c>x = 2147483648</c>, and <c>x &gt; 99999999999</c>
    /// was a non-empty segment.
    /// </summary>
    public static readonly Interval IntDomain = new(Bound.Closed(int.MinValue), Bound.Closed(int.MaxValue));

    public Constraint Full(Dimension dimension) => dimension.Kind switch
    {
        DimensionKind.Discrete => new Constraint(default, dimension.FullMask),
        DimensionKind.Integer => new Constraint(IntDomain, 0),
        _ => new Constraint(Interval.All, 0),
    };

    public bool IsFull(int d, Constraint c) => Dimensions[d].Kind switch
    {
        DimensionKind.Discrete => c.Mask == Dimensions[d].FullMask,
        DimensionKind.Integer => c.Interval.Covers(IntDomain),
        _ => c.Interval.IsAll,
    };

    public bool IsEmpty(int d, Constraint c) =>
        Dimensions[d].Kind == DimensionKind.Discrete ? c.Mask == 0 : c.Interval.IsEmpty;

    public bool IsEmpty(Box box)
    {
        for (int d = 0; d < box.Constraints.Length; d++)
        {
            if (IsEmpty(d, box.Constraints[d]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Intersects two constraints of a box. Box intervals of int attributes are always in closed
    /// integer form, and the intersection of two such intervals is too, so no rounding is needed.
    /// </summary>
    public Constraint Intersect(int d, Constraint a, Constraint b) =>
        Dimensions[d].Kind == DimensionKind.Discrete
            ? new Constraint(default, a.Mask & b.Mask)
            : new Constraint(a.Interval.Intersect(b.Interval), 0);

    /// <summary>Whether constraint <paramref name="outer"/> allows every value <paramref name="inner"/> allows.</summary>
    public bool Covers(int d, Constraint outer, Constraint inner) =>
        Dimensions[d].Kind == DimensionKind.Discrete
            ? (inner.Mask & ~outer.Mask) == 0
            : inner.Interval.IsEmpty || outer.Interval.Covers(inner.Interval);

    /// <summary>The box with one dimension replaced by <paramref name="constraint"/>.</summary>
    public Box With(Box box, int d, Constraint constraint)
    {
        var constraints = (Constraint[])box.Constraints.Clone();
        constraints[d] = constraint;
        return new Box(constraints);
    }

    public Box? Intersect(Box a, Box b)
    {
        var constraints = new Constraint[Rank];
        for (int d = 0; d < Rank; d++)
        {
            constraints[d] = Intersect(d, a[d], b[d]);
            if (IsEmpty(d, constraints[d]))
            {
                return null;
            }
        }

        return new Box(constraints);
    }

    /// <summary>Whether <paramref name="outer"/> contains every customer of <paramref name="inner"/>.</summary>
    public bool Covers(Box outer, Box inner)
    {
        for (int d = 0; d < Rank; d++)
        {
            if (!Covers(d, outer[d], inner[d]))
            {
                return false;
            }
        }

        return true;
    }

    public bool Intersects(Box a, Box b)
    {
        for (int d = 0; d < Rank; d++)
        {
            if (IsEmpty(d, Intersect(d, a[d], b[d])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>a \ b</c> as disjoint boxes: peel off, one dimension at a time, the part of what is left
    /// of <paramref name="a"/> that lies outside <paramref name="b"/> on that dimension.
    /// </summary>
    public void Subtract(Box a, Box b, List<Box> into)
    {
        if (!Intersects(a, b))
        {
            into.Add(a);
            return;
        }

        Box rest = a;
        var outside = new List<Constraint>(2);
        for (int d = 0; d < Rank; d++)
        {
            if (IsFull(d, b[d]))
            {
                continue;
            }

            outside.Clear();
            Complement(d, b[d], outside);
            foreach (Constraint piece in outside)
            {
                Constraint part = Intersect(d, rest[d], piece);
                if (!IsEmpty(d, part))
                {
                    into.Add(With(rest, d, part));
                }
            }

            rest = With(rest, d, Intersect(d, rest[d], b[d]));
        }
    }

    public void Complement(int d, Constraint c, List<Constraint> into)
    {
        if (Dimensions[d].Kind == DimensionKind.Discrete)
        {
            ulong rest = ~c.Mask & Dimensions[d].FullMask;
            if (rest != 0)
            {
                into.Add(new Constraint(default, rest));
            }

            return;
        }

        var intervals = new List<Interval>(2);
        c.Interval.Complement(intervals);
        foreach (Interval interval in intervals)
        {
            Interval normalized = Normalize(d, interval);
            if (!normalized.IsEmpty)
            {
                into.Add(new Constraint(normalized, 0));
            }
        }
    }

    /// <summary>An int attribute's interval in closed integer form, within <see cref="IntDomain"/>.</summary>
    public Interval Normalize(int d, Interval interval) =>
        Dimensions[d].Kind == DimensionKind.Integer ? interval.ToIntegers().Intersect(IntDomain) : interval;

    public bool Contains(Box box, decimal[] point)
    {
        for (int d = 0; d < Rank; d++)
        {
            Constraint c = box[d];
            bool inside = Dimensions[d].Kind == DimensionKind.Discrete
                ? (c.Mask & (1UL << (int)point[d])) != 0
                : c.Interval.Contains(point[d]);
            if (!inside)
            {
                return false;
            }
        }

        return true;
    }

    public bool Contains(Region region, decimal[] point)
    {
        foreach (Box box in region.Boxes)
        {
            if (Contains(box, point))
            {
                return true;
            }
        }

        return false;
    }

    public static int Count(ulong mask) => BitOperations.PopCount(mask);
}

using System.Collections.Immutable;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>A set of customers: a union of boxes (not necessarily disjoint).</summary>
internal sealed class Region(ImmutableArray<Box> boxes)
{
    public static readonly Region Empty = new([]);

    public ImmutableArray<Box> Boxes { get; } = boxes;

    public bool IsEmpty => Boxes.IsEmpty;
}

/// <summary>Set operations on regions of one <see cref="CustomerSpace"/>.</summary>
internal sealed class RegionAlgebra(CustomerSpace space)
{
    /// <summary>
    /// Past this many boxes a region is too fragmented to reason about; the analysis reports the
    /// predicate as too complex instead of running away.
    /// </summary>
    public const int MaxBoxes = 20_000;

    public CustomerSpace Space { get; } = space;

    public Region All => new([Space.FullBox]);

    public Region Union(Region a, Region b) => a.IsEmpty ? b : b.IsEmpty ? a : Checked([.. a.Boxes, .. b.Boxes]);

    public Region Intersect(Region a, Region b)
    {
        var result = new List<Box>();
        foreach (Box x in a.Boxes)
        {
            foreach (Box y in b.Boxes)
            {
                if (Space.Intersect(x, y) is { } both)
                {
                    result.Add(both);
                }
            }
        }

        return Checked(result);
    }

    public bool Intersects(Region a, Region b)
    {
        foreach (Box x in a.Boxes)
        {
            foreach (Box y in b.Boxes)
            {
                if (Space.Intersects(x, y))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary><c>a \ b</c> as disjoint-from-<paramref name="b"/> boxes.</summary>
    public Region Subtract(Region a, Region b)
    {
        List<Box> current = [.. a.Boxes];
        var next = new List<Box>();
        foreach (Box cut in b.Boxes)
        {
            next.Clear();
            foreach (Box box in current)
            {
                Space.Subtract(box, cut, next);
            }

            (current, next) = (next, current);
            if (current.Count == 0)
            {
                break;
            }

            if (current.Count > MaxBoxes)
            {
                throw new RegionTooComplexException();
            }
        }

        return new Region([.. current]);
    }

    public Region Complement(Region a) => Subtract(All, a);

    private static Region Checked(List<Box> boxes) =>
        boxes.Count > MaxBoxes ? throw new RegionTooComplexException() : new Region([.. boxes]);
}

internal sealed class RegionTooComplexException : Exception;

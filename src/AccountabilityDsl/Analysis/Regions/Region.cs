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

    public Region UnionAll(IEnumerable<Region> regions) => Checked([.. regions.SelectMany(r => r.Boxes)]);

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

    /// <summary>
    /// <c>a \ b</c> as boxes disjoint from <paramref name="b"/>. Each box of <paramref name="a"/>
    /// is cut by divide and conquer: split it at the median boundary of the cuts that partly
    /// overlap it, and recurse with only the cuts each half still meets. A box some cut contains
    /// vanishes at once, and a box no cut meets is kept whole. This keeps the work close to
    /// n log n for the layered segments policies have, where subtracting one cut after another
    /// fragments the region and costs the product of pieces and cuts.
    /// </summary>
    public Region Subtract(Region a, Region b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return a;
        }

        // Subtract families of cuts over the same attributes together: broadest first (fewest
        // attributes constrained, so a coalesced "everyone" box goes first), then the largest
        // family. Policies define segments in families (revenue bands by region; behavioural
        // overlays), and once the broad family has covered the space the others meet nothing.
        var families = Coalesce([.. b.Boxes])
            .GroupBy(ConstrainedDimensions)
            .OrderBy(f => System.Numerics.BitOperations.PopCount(f.Key))
            .ThenByDescending(f => f.Count())
            .ThenBy(f => f.Key);
        List<Box> current = [.. a.Boxes];
        foreach (IGrouping<ulong, Box> family in families)
        {
            var next = new List<Box>();
            foreach (Box box in current)
            {
                var cuts = new List<Box>();
                foreach (Box cut in family)
                {
                    if (Space.Intersects(box, cut))
                    {
                        cuts.Add(cut);
                    }
                }

                SubtractInto(box, cuts, next);
                if (next.Count > MaxBoxes)
                {
                    throw new RegionTooComplexException();
                }
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        return new Region([.. current]);
    }

    /// <summary>
    /// The same union in fewer boxes: boxes equal on every dimension but one merge into one box
    /// when their values on that dimension join up (value sets always do; intervals when they
    /// overlap or touch). A tier grid of bands by region collapses to one box per band, then to
    /// one box for all bands, which is why subtracting a whole family of segments stays linear.
    /// </summary>
    internal List<Box> Coalesce(List<Box> boxes)
    {
        bool changed = true;
        for (int pass = 0; changed && boxes.Count > 1 && pass < 4; pass++)
        {
            changed = false;
            for (int d = 0; d < Space.Rank && boxes.Count > 1; d++)
            {
                var groups = new Dictionary<Box, List<Box>>(new EqualExcept(Space, d));
                foreach (Box box in boxes)
                {
                    if (!groups.TryGetValue(box, out List<Box>? group))
                    {
                        groups[box] = group = [];
                    }

                    group.Add(box);
                }

                if (groups.Count == boxes.Count)
                {
                    continue;
                }

                var merged = new List<Box>(groups.Count);
                foreach (List<Box> group in groups.Values)
                {
                    if (group.Count == 1)
                    {
                        merged.Add(group[0]);
                    }
                    else if (Space.Dimensions[d].Kind == DimensionKind.Discrete)
                    {
                        ulong mask = 0;
                        group.ForEach(g => mask |= g[d].Mask);
                        merged.Add(Space.With(group[0], d, new Constraint(default, mask)));
                    }
                    else
                    {
                        MergeIntervals(group, d, merged);
                    }
                }

                changed |= merged.Count < boxes.Count;
                boxes = merged;
            }
        }

        return boxes;
    }

    private void MergeIntervals(List<Box> group, int d, List<Box> into)
    {
        group.Sort((x, y) => Bound.CompareLower(x[d].Interval.Lower, y[d].Interval.Lower));
        Box current = group[0];
        bool integers = Space.Dimensions[d].Kind == DimensionKind.Integer;
        for (int i = 1; i < group.Count; i++)
        {
            Interval joined = current[d].Interval;
            Interval next = group[i][d].Interval;
            if (Touches(joined.Upper, next.Lower, integers))
            {
                Bound upper = Bound.CompareUpper(next.Upper, joined.Upper) > 0 ? next.Upper : joined.Upper;
                current = Space.With(current, d, new Constraint(new Interval(joined.Lower, upper), 0));
            }
            else
            {
                into.Add(current);
                current = group[i];
            }
        }

        into.Add(current);
    }

    /// <summary>Boxes compared on every dimension except one.</summary>
    private sealed class EqualExcept(CustomerSpace space, int skipped) : IEqualityComparer<Box>
    {
        public bool Equals(Box? x, Box? y)
        {
            for (int d = 0; d < space.Rank; d++)
            {
                if (d != skipped && !x![d].Equals(y![d]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(Box box)
        {
            var hash = new HashCode();
            for (int d = 0; d < space.Rank; d++)
            {
                if (d != skipped)
                {
                    hash.Add(box[d]);
                }
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>The set of dimensions a box constrains, as bits (dimensions past 63 share the top bit).</summary>
    private ulong ConstrainedDimensions(Box box)
    {
        ulong bits = 0;
        for (int d = 0; d < Space.Rank; d++)
        {
            if (!Space.IsFull(d, box[d]))
            {
                bits |= 1UL << Math.Min(d, 63);
            }
        }

        return bits;
    }

    /// <summary>Adds <c>box \ union(cuts)</c> to <paramref name="into"/>; every cut meets the box.</summary>

    private void SubtractInto(Box box, List<Box> cuts, List<Box> into)
    {
        if (cuts.Count == 0)
        {
            into.Add(box);
            return;
        }

        foreach (Box cut in cuts)
        {
            if (Space.Covers(cut, box))
            {
                return;
            }
        }

        if (cuts.Count == 1)
        {
            Space.Subtract(box, cuts[0], into);
            return;
        }

        if (CoveredAlongOneDimension(box, cuts))
        {
            return;
        }

        if (Split(box, cuts) is not var (first, second))
        {
            // Not expected (a cut that meets the box without covering it always ends inside it
            // somewhere); peeling one cut after another is always correct, only slower.
            List<Box> pieces = [box];
            foreach (Box cut in cuts)
            {
                var next = new List<Box>();
                pieces.ForEach(piece => Space.Subtract(piece, cut, next));
                pieces = next;
            }

            into.AddRange(pieces);
            return;
        }

        SubtractInto(first, [.. cuts.Where(c => Space.Intersects(first, c))], into);
        SubtractInto(second, [.. cuts.Where(c => Space.Intersects(second, c))], into);
    }

    /// <summary>
    /// Whether, for some dimension d, the cuts that contain the box on every other dimension
    /// together cover the box on d (a one-dimensional union test). This is what finishes off a
    /// box once splitting has narrowed it to one band of a tiered policy: the band's segments,
    /// one per region, cover it only together. One pass over the cuts finds, for each, the
    /// dimensions where it falls short of the box.
    /// </summary>
    private bool CoveredAlongOneDimension(Box box, List<Box> cuts)
    {
        List<Box>?[]? byDimension = null;
        foreach (Box cut in cuts)
        {
            int shortDimension = -1;
            for (int d = 0; d < Space.Rank; d++)
            {
                if (!Space.Covers(d, cut[d], box[d]))
                {
                    if (shortDimension >= 0)
                    {
                        shortDimension = -2;
                        break;
                    }

                    shortDimension = d;
                }
            }

            if (shortDimension >= 0)
            {
                byDimension ??= new List<Box>?[Space.Rank];
                (byDimension[shortDimension] ??= []).Add(cut);
            }
        }

        if (byDimension is null)
        {
            return false;
        }

        for (int d = 0; d < Space.Rank; d++)
        {
            if (byDimension[d] is not { } candidates)
            {
                continue;
            }

            bool covered;
            if (Space.Dimensions[d].Kind == DimensionKind.Discrete)
            {
                ulong mask = 0;
                candidates.ForEach(c => mask |= c[d].Mask);
                covered = (box[d].Mask & ~mask) == 0;
            }
            else
            {
                covered = UnionCovers(d, [.. candidates.Select(c => c[d].Interval.Intersect(box[d].Interval))], box[d].Interval);
            }

            if (covered)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the intervals (each inside <paramref name="target"/>) cover it, by a sweep from its lower end.</summary>
    private bool UnionCovers(int d, List<Interval> intervals, Interval target)
    {
        intervals.Sort((x, y) => Bound.CompareLower(x.Lower, y.Lower));
        Bound reached = target.Lower; // everything strictly below this (or up to it, if not inclusive) is covered
        bool started = false;
        foreach (Interval interval in intervals)
        {
            if (interval.IsEmpty)
            {
                continue;
            }

            // A gap between what is covered so far and this interval's start?
            bool gap = !started
                ? Bound.CompareLower(interval.Lower, target.Lower) > 0
                : !Touches(reached, interval.Lower, Space.Dimensions[d].Kind == DimensionKind.Integer);
            if (gap)
            {
                return false;
            }

            if (!started || Bound.CompareUpper(interval.Upper, reached) > 0)
            {
                reached = interval.Upper;
            }

            started = true;
        }

        return started && Bound.CompareUpper(reached, target.Upper) >= 0;
    }



    /// <summary>Whether coverage up to <paramref name="upper"/> continues without a gap into an interval starting at <paramref name="lower"/>.</summary>
    private static bool Touches(Bound upper, Bound lower, bool integers)
    {
        if (upper.Infinite || lower.Infinite)
        {
            return true;
        }

        if (lower.Value < upper.Value)
        {
            return true;
        }

        if (lower.Value == upper.Value)
        {
            return upper.Inclusive || lower.Inclusive;
        }

        // Integers: [.., 5] and [6, ..] leave no whole number out.
        return integers && upper.Inclusive && lower.Inclusive && lower.Value == upper.Value + 1;
    }

    /// <summary>
    /// Splits the box in two along the dimension that the most cuts only partly cover (the
    /// dimension the cuts are really about, such as the revenue bands of a tiered policy), at the
    /// median end of those cuts for a numeric dimension, or by the first such cut's values for a
    /// discrete one. Returns null when no cut ends inside the box.
    /// </summary>
    private (Box, Box)? Split(Box box, List<Box> cuts)
    {
        int bestDimension = -1;
        int bestScore = 0;
        List<Interval>? bestSplits = null;
        ulong discreteSplit = 0;
        for (int d = 0; d < Space.Rank; d++)
        {
            Constraint own = box[d];
            int score = 0;
            if (Space.Dimensions[d].Kind == DimensionKind.Discrete)
            {
                ulong firstInside = 0;
                foreach (Box cut in cuts)
                {
                    ulong inside = own.Mask & cut[d].Mask;
                    if (inside != own.Mask)
                    {
                        firstInside = score++ == 0 ? inside : firstInside;
                    }
                }

                if (score > bestScore)
                {
                    (bestDimension, bestScore, bestSplits, discreteSplit) = (d, score, null, firstInside);
                }

                continue;
            }

            // Each candidate is the lower half-space of a split: (-inf, bound).
            var splits = new List<Interval>();
            foreach (Box cut in cuts)
            {
                Interval other = cut[d].Interval;
                int before = splits.Count;
                if (!other.Lower.Infinite && own.Interval.Contains(other.Lower.Value) && !IsLowerEnd(own.Interval, other.Lower))
                {
                    splits.Add(new Interval(Bound.Unbounded, new Bound(other.Lower.Value, !other.Lower.Inclusive, false)));
                }

                if (!other.Upper.Infinite && own.Interval.Contains(other.Upper.Value) && !IsUpperEnd(own.Interval, other.Upper))
                {
                    splits.Add(new Interval(Bound.Unbounded, other.Upper));
                }

                score += splits.Count > before ? 1 : 0;
            }

            if (score > bestScore)
            {
                (bestDimension, bestScore, bestSplits) = (d, score, splits);
            }
        }

        if (bestDimension < 0)
        {
            return null;
        }

        Constraint constraint = box[bestDimension];
        if (bestSplits is null)
        {
            return (
                Space.With(box, bestDimension, new Constraint(default, discreteSplit)),
                Space.With(box, bestDimension, new Constraint(default, constraint.Mask & ~discreteSplit)));
        }

        bestSplits.Sort((x, y) => x.Upper.Value != y.Upper.Value ? x.Upper.Value.CompareTo(y.Upper.Value) : x.Upper.Inclusive.CompareTo(y.Upper.Inclusive));
        Interval below = bestSplits[bestSplits.Count / 2];
        Interval above = new(new Bound(below.Upper.Value, !below.Upper.Inclusive, false), Bound.Unbounded);
        return (
            Space.With(box, bestDimension, new Constraint(Space.Normalize(bestDimension, constraint.Interval.Intersect(below)), 0)),
            Space.With(box, bestDimension, new Constraint(Space.Normalize(bestDimension, constraint.Interval.Intersect(above)), 0)));
    }

    /// <summary>Whether cutting at this lower bound would leave nothing below it inside the interval.</summary>
    private static bool IsLowerEnd(Interval own, Bound cutLower) =>
        !own.Lower.Infinite && (cutLower.Value < own.Lower.Value
            || (cutLower.Value == own.Lower.Value && (cutLower.Inclusive || !own.Lower.Inclusive)));

    /// <summary>Whether cutting after this upper bound would leave nothing above it inside the interval.</summary>
    private static bool IsUpperEnd(Interval own, Bound cutUpper) =>
        !own.Upper.Infinite && (cutUpper.Value > own.Upper.Value
            || (cutUpper.Value == own.Upper.Value && (cutUpper.Inclusive || !own.Upper.Inclusive)));

    public Region Complement(Region a) => Subtract(All, a);

    private static Region Checked(List<Box> boxes) =>
        boxes.Count > MaxBoxes ? throw new RegionTooComplexException() : new Region([.. boxes]);
}

internal sealed class RegionTooComplexException : Exception;

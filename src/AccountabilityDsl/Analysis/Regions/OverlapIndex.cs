using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>
/// Finds the pairs of segments that share a customer without testing every pair: a sweep along
/// the numeric attribute that most segments bound (revenue bands, tenure brackets) only
/// compares segments whose ranges on it overlap. For the layered segments policies have, the
/// work grows with the segments and their real overlaps, not with the square of the segments.
/// </summary>
internal static class OverlapIndex
{
    public static List<(SegmentSymbol First, SegmentSymbol Second)> OverlappingPairs(SegmentRegions regions, IReadOnlyList<SegmentSymbol> segments)
    {
        CustomerSpace space = regions.Space;
        var items = new List<(int Segment, Box Box)>();
        for (int i = 0; i < segments.Count; i++)
        {
            foreach (Box box in regions.RegionOf(segments[i])!.Boxes)
            {
                items.Add((i, box));
            }
        }

        int sweepDimension = -1;
        int bestBounded = 0;
        for (int d = 0; d < space.Rank; d++)
        {
            if (space.Dimensions[d].Kind == DimensionKind.Discrete)
            {
                continue;
            }

            int bounded = items.Count(item => !space.IsFull(d, item.Box[d]));
            if (bounded > bestBounded)
            {
                (sweepDimension, bestBounded) = (d, bounded);
            }
        }

        var pairs = new HashSet<(int, int)>();
        void Test((int Segment, Box Box) a, (int Segment, Box Box) b)
        {
            if (a.Segment != b.Segment && space.Intersects(a.Box, b.Box))
            {
                pairs.Add(a.Segment < b.Segment ? (a.Segment, b.Segment) : (b.Segment, a.Segment));
            }
        }

        if (sweepDimension < 0)
        {
            for (int i = 0; i < items.Count; i++)
            {
                for (int j = i + 1; j < items.Count; j++)
                {
                    Test(items[i], items[j]);
                }
            }
        }
        else
        {
            int d = sweepDimension;
            items.Sort((x, y) => Bound.CompareLower(x.Box[d].Interval.Lower, y.Box[d].Interval.Lower));
            // Active boxes, ordered by where they end on the sweep dimension.
            var active = new PriorityQueue<(int Segment, Box Box), Bound>(Comparer<Bound>.Create(Bound.CompareUpper));
            var live = new List<(int Segment, Box Box)>();
            foreach (var item in items)
            {
                Bound start = item.Box[d].Interval.Lower;
                while (active.TryPeek(out var ending, out Bound end) && EndsBefore(end, start))
                {
                    active.Dequeue();
                    live.Remove(ending);
                }

                foreach (var other in live)
                {
                    Test(other, item);
                }

                active.Enqueue(item, item.Box[d].Interval.Upper);
                live.Add(item);
            }
        }

        return [.. pairs.Order().Select(p => (segments[p.Item1], segments[p.Item2]))];
    }

    /// <summary>Whether an interval ending at <paramref name="end"/> has nothing in common with one starting at <paramref name="start"/>.</summary>
    private static bool EndsBefore(Bound end, Bound start) =>
        !end.Infinite && !start.Infinite &&
        (end.Value < start.Value || (end.Value == start.Value && !(end.Inclusive && start.Inclusive)));


}

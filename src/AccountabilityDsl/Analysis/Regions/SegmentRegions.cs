using System.Collections.Immutable;
using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>
/// Each predicate segment's exact region of customers, computed once per policy and shared by
/// the accountability rules. A segment defined through other segments is built after them, from
/// their regions (the binder has ruled out cycles).
/// </summary>
internal sealed class SegmentRegions
{
    private readonly Dictionary<SegmentSymbol, Region> _regions = [];

    public SegmentRegions(BoundPolicy policy)
    {
        // The assigned segment becomes a dimension of its own only when a predicate names one.
        bool assignedAxis = policy.Segments.Any(s => s.ReferencedSegments.Any(r => r.IsAssigned));
        ImmutableArray<SegmentSymbol> assigned = assignedAxis ? [.. policy.Segments.Where(s => s.IsAssigned)] : [];
        Space = new CustomerSpace(policy.Attributes, assigned);
        Algebra = new RegionAlgebra(Space);
        Witnesses = new WitnessPicker(Space, policy.Segments.FirstOrDefault(s => s.IsAssigned));
        TooManyAssignedSegments = assigned.Length > CustomerSpace.MaxMembers;
        IsAnalysable = policy.Attributes.All(a => a.Members.Length <= CustomerSpace.MaxMembers) && !TooManyAssignedSegments;
        if (!IsAnalysable)
        {
            return;
        }

        var builder = new RegionBuilder(Algebra, CustomersOf);
        var tooComplex = ImmutableArray.CreateBuilder<SegmentSymbol>();
        foreach (SegmentSymbol segment in DefinitionOrder(policy.Segments))
        {
            if (segment.Predicate is not { } predicate)
            {
                continue;
            }

            if (segment.ReferencedSegments.Any(tooComplex.Contains))
            {
                // Built from a segment the analysis could not build: too complex as well.
                tooComplex.Add(segment);
                continue;
            }

            try
            {
                _regions[segment] = builder.Build(predicate);
            }
            catch (RegionTooComplexException)
            {
                tooComplex.Add(segment);
            }
        }

        TooComplex = [.. tooComplex.OrderBy(s => s.Ordinal)];
    }

    public CustomerSpace Space { get; }

    public RegionAlgebra Algebra { get; }

    public WitnessPicker Witnesses { get; }

    /// <summary>False when an enum is too large for exact sets; the region rules then stay silent.</summary>
    public bool IsAnalysable { get; }

    /// <summary>Predicates name assigned segments, and there are more of them than exact sets hold.</summary>
    public bool TooManyAssignedSegments { get; }

    public ImmutableArray<SegmentSymbol> TooComplex { get; } = [];

    /// <summary>The segment's customers; null for assigned segments and unanalysable predicates.</summary>
    public Region? RegionOf(SegmentSymbol segment) => _regions.GetValueOrDefault(segment);

    /// <summary>
    /// The segment's customers, assigned segments included: the customers the host put in it when
    /// the space has an assigned-segment dimension, else anyone (an assigned segment's customers
    /// can have any attribute values).
    /// </summary>
    public Region CustomersOf(SegmentSymbol segment) =>
        !segment.IsAssigned ? RegionOf(segment) ?? Region.Empty
        : Space.AssignedDimension < 0 ? Algebra.All
        : new Region([Space.AssignedSlice(segment)]);

    /// <summary>A predicate segment no customer can be in (OWN0105).</summary>
    public bool IsEmpty(SegmentSymbol segment) => RegionOf(segment) is { IsEmpty: true };

    /// <summary>A customer in both segments, or null when they share none.</summary>
    public decimal[]? SharedCustomer(SegmentSymbol a, SegmentSymbol b)
    {
        if (a.IsAssigned && b.IsAssigned && a != b)
        {
            return null;
        }

        foreach (Box x in CustomersOf(a).Boxes)
        {
            foreach (Box y in CustomersOf(b).Boxes)
            {
                if (Space.Intersect(x, y) is { } both)
                {
                    return Witnesses.PickPoint(both);
                }
            }
        }

        return null;
    }

    /// <summary>Segments ordered so that every segment comes after the segments its predicate names.</summary>
    internal static List<SegmentSymbol> DefinitionOrder(ImmutableArray<SegmentSymbol> segments)
    {
        var order = new List<SegmentSymbol>(segments.Length);
        var placed = new HashSet<SegmentSymbol>();
        foreach (SegmentSymbol root in segments)
        {
            var pending = new Stack<(SegmentSymbol Segment, int Next)>();
            if (placed.Add(root))
            {
                pending.Push((root, 0));
            }

            while (pending.Count > 0)
            {
                (SegmentSymbol current, int next) = pending.Pop();
                if (next < current.ReferencedSegments.Length)
                {
                    pending.Push((current, next + 1));
                    SegmentSymbol dependency = current.ReferencedSegments[next];
                    if (placed.Add(dependency))
                    {
                        pending.Push((dependency, 0));
                    }
                }
                else
                {
                    order.Add(current);
                }
            }
        }

        return order;
    }
}

using System.Collections.Immutable;
using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis.Regions;

/// <summary>
/// Each predicate segment's exact region of customers, computed once per policy and shared by
/// the accountability rules.
/// </summary>
internal sealed class SegmentRegions
{
    private readonly Dictionary<SegmentSymbol, Region> _regions = [];

    public SegmentRegions(BoundPolicy policy)
    {
        Space = new CustomerSpace(policy.Attributes);
        Algebra = new RegionAlgebra(Space);
        Witnesses = new WitnessPicker(Space, policy.Segments.FirstOrDefault(s => s.IsAssigned));
        IsAnalysable = policy.Attributes.All(a => a.Members.Length <= CustomerSpace.MaxMembers);
        if (!IsAnalysable)
        {
            return;
        }

        var builder = new RegionBuilder(Algebra);
        var tooComplex = ImmutableArray.CreateBuilder<SegmentSymbol>();
        foreach (SegmentSymbol segment in policy.Segments)
        {
            if (segment.Predicate is not { } predicate)
            {
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

        TooComplex = tooComplex.ToImmutable();
    }

    public CustomerSpace Space { get; }

    public RegionAlgebra Algebra { get; }

    public WitnessPicker Witnesses { get; }

    /// <summary>False when an enum is too large for exact sets; the region rules then stay silent.</summary>
    public bool IsAnalysable { get; }

    public ImmutableArray<SegmentSymbol> TooComplex { get; } = [];

    /// <summary>The segment's customers; null for assigned segments and unanalysable predicates.</summary>
    public Region? RegionOf(SegmentSymbol segment) => _regions.GetValueOrDefault(segment);

    /// <summary>A predicate segment no customer can be in (OWN0105).</summary>
    public bool IsEmpty(SegmentSymbol segment) => RegionOf(segment) is { IsEmpty: true };
}

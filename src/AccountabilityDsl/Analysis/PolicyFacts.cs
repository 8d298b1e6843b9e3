using System.Collections.Concurrent;
using System.Collections.Immutable;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// The facts about a bound policy that several consumers need — the rules, the accountability
/// matrix, the explainer, the code generator, editors — computed on first use and kept, so that
/// each is computed once per compilation whoever asks first: the accountability map, every
/// segment's exact region, which limits cover what, the segments without an owner per stage,
/// and the overlapping pairs of owned segments. Thread-safe.
/// </summary>
public sealed class PolicyFacts
{
    private readonly Lazy<AccountabilityMap> _accountability;
    private readonly Lazy<SegmentRegions> _regions;
    private readonly Lazy<LimitCoverage> _limits;
    private readonly Lazy<Rules.QuietCoverage> _quiet;
    private readonly Lazy<IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)>?> _overlappingPairs;
    private readonly ConcurrentDictionary<StageSymbol, ImmutableHashSet<SegmentSymbol>?> _withoutOwner = new();

    public PolicyFacts(BoundPolicy policy)
    {
        Policy = policy;
        _accountability = new Lazy<AccountabilityMap>(() => new AccountabilityMap(policy));
        _regions = new Lazy<SegmentRegions>(() => new SegmentRegions(policy));
        _limits = new Lazy<LimitCoverage>(() => new LimitCoverage(policy));
        _quiet = new Lazy<Rules.QuietCoverage>(() => new Rules.QuietCoverage(policy));
        _overlappingPairs = new Lazy<IReadOnlyList<(SegmentSymbol, SegmentSymbol)>?>(ComputeOverlappingOwnedPairs);
    }

    public BoundPolicy Policy { get; }

    /// <summary>Which <c>accountable</c> declarations claim each segment x stage cell.</summary>
    public AccountabilityMap Accountability => _accountability.Value;

    /// <summary>The exact customer region of every predicate segment.</summary>
    internal SegmentRegions Regions => _regions.Value;

    /// <summary>The limits that apply to each offer and channel.</summary>
    internal LimitCoverage Limits => _limits.Value;

    /// <summary>The quiet hours and days of each channel.</summary>
    internal Rules.QuietCoverage Quiet => _quiet.Value;

    /// <summary>
    /// Whether the region engine can reason about the policy exactly (no enum too large for
    /// exact sets, no predicate too complex). When false, the facts below are null.
    /// </summary>
    public bool IsExactlyAnalysable => Regions.IsAnalysable && Regions.TooComplex.IsEmpty;

    /// <summary>A predicate segment no customer can be in.</summary>
    public bool IsEmpty(SegmentSymbol segment) => Regions.IsEmpty(segment);

    /// <summary>
    /// The segments some of whose customers have no accountable owner at the stage (the orphaned
    /// cells of the matrix, a superset of what OWN0101 names, since it names each customer once).
    /// An unowned predicate segment whose customers all have an owner through other segments is
    /// not among them. Null when the policy cannot be analysed exactly.
    /// </summary>
    public ImmutableHashSet<SegmentSymbol>? SegmentsWithoutOwnerAt(StageSymbol stage) => _withoutOwner.GetOrAdd(stage, ComputeSegmentsWithoutOwnerAt);

    /// <summary>
    /// The pairs of non-empty predicate segments that share customers and each have an owner at
    /// some stage: where overlap conflicts (OWN0104) can be. Null when the policy cannot be analysed exactly.
    /// </summary>
    public IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)>? OverlappingOwnedPairs => _overlappingPairs.Value;

    /// <summary>Whether some customer is in both segments (an assigned segment may hold anyone).</summary>
    public bool ShareCustomers(SegmentSymbol a, SegmentSymbol b) => Regions.SharedCustomer(a, b) is not null;

    private ImmutableHashSet<SegmentSymbol>? ComputeSegmentsWithoutOwnerAt(StageSymbol stage)
    {
        if (!IsExactlyAnalysable)
        {
            return null;
        }

        SegmentRegions regions = Regions;
        Region free = regions.Algebra.Subtract(
            regions.Algebra.All,
            new Region([.. Policy.Segments
                .Where(s => !s.IsAssigned && Accountability.OwnerOf(s, stage) is not null)
                .SelectMany(s => regions.RegionOf(s)!.Boxes)]));
        var result = ImmutableHashSet.CreateBuilder<SegmentSymbol>();
        if (free.IsEmpty)
        {
            return result.ToImmutable();
        }

        // With assigned segments a customer is also in exactly one of them, so a predicate
        // segment's customers lack an owner only where their assigned segment has none either.
        if (Policy.HasAssignedSegments)
        {
            free = regions.Algebra.Intersect(free, regions.Algebra.UnionAll(Policy.Segments
                .Where(s => s.IsAssigned && Accountability.OwnerOf(s, stage) is null)
                .Select(regions.CustomersOf)));
        }

        foreach (SegmentSymbol segment in Policy.Segments.Where(s => Accountability.OwnerOf(s, stage) is null))
        {
            if (!regions.Algebra.Intersect(regions.CustomersOf(segment), free).IsEmpty)
            {
                result.Add(segment);
            }
        }

        return result.ToImmutable();
    }

    private IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)>? ComputeOverlappingOwnedPairs()
    {
        if (!IsExactlyAnalysable)
        {
            return null;
        }

        SegmentRegions regions = Regions;
        return OverlapIndex.OverlappingPairs(regions, [.. Policy.Segments.Where(s => !s.IsAssigned && !regions.IsEmpty(s)
            && Policy.Stages.Any(t => Accountability.OwnerOf(s, t) is not null))]);
    }
}

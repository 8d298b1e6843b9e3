using System.Collections.Immutable;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Matrix;

/// <summary>What one segment x stage cell of the accountability matrix says.</summary>
public enum CellState
{
    /// <summary>Exactly one <c>accountable</c> declaration claims the cell, and no overlapping segment disagrees.</summary>
    Owned,

    /// <summary>Two or more <c>accountable</c> declarations claim the cell (OWN0102); the first one decides until it is fixed.</summary>
    Conflict,

    /// <summary>One owner claims the cell, but a segment sharing customers has a different owner at this stage (OWN0104).</summary>
    OverlapConflict,

    /// <summary>Nobody claims the cell and some of the segment's customers have no owner at all at this stage (OWN0101).</summary>
    Vacuum,

    /// <summary>
    /// Nobody claims the cell, but every customer of this predicate segment has an owner through
    /// another segment they are in: not a vacuum.
    /// </summary>
    CoveredElsewhere,

    /// <summary>Nobody claims the cell and the policy is too complex to analyse exactly (OWN0108): vacuum or not is unknown.</summary>
    Unanalysed,

    /// <summary>
    /// Nobody claims the cell and some of the segment's customers have no owner through another
    /// segment, so the <c>fallback</c> owner is accountable for them (OWN0106): the vacuum a
    /// policy without a fallback would have.
    /// </summary>
    Fallback,
}

/// <summary>A RACI declaration that applies to a cell, with its 1-based source line.</summary>
public sealed record CellClaim(RaciRole Role, OwnerSymbol Owner, int Line, AssignmentSymbol Declaration)
{
    /// <summary><c>line 12</c>, or <c>line 12 of boats.owner</c> in a policy of several files.</summary>
    public string Where { get; init; } = $"line {Line}";

    /// <summary>The declaration's first line, trimmed.</summary>
    public string LineText { get; init; } = "";
}

/// <summary>A segment that shares customers with the cell's segment and has another owner at the cell's stage (OWN0104).</summary>
public sealed record OverlapPartner(SegmentSymbol Segment, OwnerSymbol Owner, int Line)
{
    /// <summary><c>line 12</c>, or <c>line 12 of boats.owner</c> in a policy of several files.</summary>
    public string Where { get; init; } = $"line {Line}";

    /// <summary>The deciding declaration's first line, trimmed.</summary>
    public string LineText { get; init; } = "";
}

/// <summary>One segment x stage cell.</summary>
public sealed record MatrixCell(
    SegmentSymbol Segment,
    StageSymbol Stage,
    CellState State,
    ImmutableArray<CellClaim> Claims,
    ImmutableArray<CellClaim> Others,
    ImmutableArray<OverlapPartner> Overlaps,
    ImmutableArray<string> DiagnosticIds)
{
    /// <summary>The owner the cell resolves to (the first claim), or null when nobody claims it.</summary>
    public OwnerSymbol? Owner => Claims.IsEmpty ? null : Claims[0].Owner;

    /// <summary>The fallback owner, for a <see cref="CellState.Fallback"/> cell.</summary>
    public OwnerSymbol? FallbackOwner => State == CellState.Fallback ? FallbackOf : null;

    internal OwnerSymbol? FallbackOf { get; init; }

    /// <summary>The distinct owners claiming the cell, in source order.</summary>
    public IEnumerable<OwnerSymbol> ClaimingOwners => Claims.Select(c => c.Owner).Distinct();

    /// <summary>The 1-based lines of the accountable declarations claiming the cell.</summary>
    public IEnumerable<int> DecidingLines => Claims.Select(c => c.Line);

    public bool IsProblem => State is CellState.Conflict or CellState.OverlapConflict or CellState.Vacuum or CellState.Fallback;

    /// <summary>Responsible, consulted and informed owners of the cell, in that order.</summary>
    public IEnumerable<CellClaim> OthersIn(RaciRole role) => Others.Where(o => o.Role == role);
}

/// <summary>
/// The segment x stage accountability grid of one policy (<c>ownerc matrix</c>): rows are the
/// segments in declaration order, columns the stages in lifecycle order. Every cell's state
/// comes from the analysis itself (the accountability map, the exact customer regions), never
/// from diagnostic messages, so it says what is true of the policy whether or not a rule's
/// diagnostic is suppressed. Independent of any output format.
/// </summary>
public sealed class AccountabilityMatrix
{
    private readonly MatrixCell[] _cells;

    private AccountabilityMatrix(BoundPolicy policy, MatrixCell[] cells, bool isAnalysed)
    {
        Policy = policy;
        _cells = cells;
        IsAnalysed = isAnalysed;
    }

    public BoundPolicy Policy { get; }

    public string PolicyName => Policy.Name;

    public string FilePath => Policy.Source.FilePath;

    public ImmutableArray<SegmentSymbol> Segments => Policy.Segments;

    public ImmutableArray<StageSymbol> Stages => Policy.Stages;

    /// <summary>False when the policy is too complex for the exact analysis: unowned cells are then <see cref="CellState.Unanalysed"/>.</summary>
    public bool IsAnalysed { get; }

    public MatrixCell this[SegmentSymbol segment, StageSymbol stage] => _cells[segment.Ordinal * Stages.Length + stage.Ordinal];

    /// <summary>The cells row by row.</summary>
    public IReadOnlyList<MatrixCell> Cells => _cells;

    public IEnumerable<MatrixCell> Row(SegmentSymbol segment) => Stages.Select(stage => this[segment, stage]);

    public int Count(CellState state) => _cells.Count(c => c.State == state);

    /// <summary>Builds the grid of a policy that parsed and bound without errors.</summary>
    public static AccountabilityMatrix Build(PolicyCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        return Build(compilation.Facts);
    }

    /// <summary>Builds the grid of a bound policy without syntax or name errors.</summary>
    public static AccountabilityMatrix Build(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Build(new PolicyFacts(policy));
    }

    /// <summary>Builds the grid from a policy's shared facts (those of its compilation, computed once).</summary>
    public static AccountabilityMatrix Build(PolicyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        BoundPolicy policy = facts.Policy;
        if (policy.Trees.Any(t => t.HasErrors) || policy.HasErrors)
        {
            throw new ArgumentException("The policy has syntax or name errors; its accountability matrix would describe those errors.", nameof(facts));
        }

        AccountabilityMap map = facts.Accountability;
        IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)>? overlapping = facts.OverlappingOwnedPairs;
        bool analysed = overlapping is not null;
        var cells = new MatrixCell[policy.Segments.Length * policy.Stages.Length];
        var others = OtherRoles(policy);
        foreach (StageSymbol stage in policy.Stages)
        {
            ImmutableHashSet<SegmentSymbol>? withoutOwner = facts.SegmentsWithoutOwnerAt(stage);
            Dictionary<SegmentSymbol, List<OverlapPartner>> overlaps = analysed ? OverlapsAt(facts, overlapping!, stage) : [];
            foreach (SegmentSymbol segment in policy.Segments)
            {
                ImmutableArray<CellClaim> claims = [.. map.Claims(segment, stage).Select(c => Claim(policy, c))];
                ImmutableArray<OverlapPartner> partners = overlaps.TryGetValue(segment, out List<OverlapPartner>? list) ? [.. list] : [];
                var ids = new List<string>();
                CellState state;
                if (claims.Length == 0)
                {
                    state = withoutOwner is null ? CellState.Unanalysed
                        : withoutOwner.Contains(segment) ? CellState.Vacuum
                        : CellState.CoveredElsewhere;
                    if (state == CellState.Vacuum && policy.Fallback is not null)
                    {
                        state = CellState.Fallback;
                        ids.Add(DiagnosticIds.FallbackOwnedCells);
                    }
                    else if (state == CellState.Vacuum)
                    {
                        ids.Add(DiagnosticIds.AccountabilityVacuum);
                    }
                }
                else
                {
                    if (claims.Length > 1)
                    {
                        ids.Add(DiagnosticIds.CellConflict);
                    }

                    if (!partners.IsEmpty)
                    {
                        ids.Add(DiagnosticIds.OverlapConflict);
                    }

                    state = claims.Length > 1 ? CellState.Conflict : partners.IsEmpty ? CellState.Owned : CellState.OverlapConflict;
                }

                ImmutableArray<CellClaim> raci = others.TryGetValue((segment.Ordinal, stage.Ordinal), out List<CellClaim>? r)
                    ? [.. r.OrderBy(c => c.Role).ThenBy(c => c.Declaration.Ordinal)]
                    : [];
                cells[segment.Ordinal * policy.Stages.Length + stage.Ordinal] = new MatrixCell(segment, stage, state, claims, raci, partners, [.. ids])
                {
                    FallbackOf = state == CellState.Fallback ? policy.Fallback : null,
                };
            }
        }

        return new AccountabilityMatrix(policy, cells, analysed);
    }

    private static CellClaim Claim(BoundPolicy policy, AssignmentSymbol assignment) =>
        new(assignment.Role, assignment.Owner!, policy.LineOf(assignment.Syntax), assignment)
        {
            Where = policy.LineReference(assignment.Syntax),
            LineText = policy.LineTextOf(assignment.Syntax),
        };

    private static Dictionary<(int, int), List<CellClaim>> OtherRoles(BoundPolicy policy)
    {
        var result = new Dictionary<(int, int), List<CellClaim>>();
        foreach (AssignmentSymbol assignment in policy.Assignments.Where(a => a.Role != RaciRole.Accountable && a.Owner is not null))
        {
            foreach (SegmentSymbol segment in assignment.Segments.Resolve(policy.Segments))
            {
                foreach (StageSymbol stage in assignment.Stages)
                {
                    if (!result.TryGetValue((segment.Ordinal, stage.Ordinal), out List<CellClaim>? list))
                    {
                        result[(segment.Ordinal, stage.Ordinal)] = list = [];
                    }

                    list.Add(Claim(policy, assignment));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Per segment, the segments that share customers with it and have another owner at the
    /// stage, as OWN0104 decides: overlapping predicate segments, and an assigned segment with
    /// every non-empty predicate segment (its customers can have any attribute values).
    /// </summary>
    private static Dictionary<SegmentSymbol, List<OverlapPartner>> OverlapsAt(
        PolicyFacts facts,
        IReadOnlyList<(SegmentSymbol First, SegmentSymbol Second)> overlapping,
        StageSymbol stage)
    {
        BoundPolicy policy = facts.Policy;
        AccountabilityMap map = facts.Accountability;
        var result = new Dictionary<SegmentSymbol, List<OverlapPartner>>();
        void Add(SegmentSymbol segment, SegmentSymbol other)
        {
            AssignmentSymbol claim = map.DecidingClaim(other, stage)!;
            if (!result.TryGetValue(segment, out List<OverlapPartner>? list))
            {
                result[segment] = list = [];
            }

            if (!list.Any(p => p.Segment == other))
            {
                list.Add(new OverlapPartner(other, claim.Owner!, policy.LineOf(claim.Syntax))
                {
                    Where = policy.LineReference(claim.Syntax),
                    LineText = policy.LineTextOf(claim.Syntax),
                });
            }
        }

        foreach ((SegmentSymbol first, SegmentSymbol second) in overlapping)
        {
            if (map.OwnerOf(first, stage) is { } a && map.OwnerOf(second, stage) is { } b && a != b)
            {
                Add(first, second);
                Add(second, first);
            }
        }

        var ownedPredicates = policy.Segments
            .Where(s => !s.IsAssigned && map.OwnerOf(s, stage) is not null && !facts.IsEmpty(s))
            .ToList();
        foreach (SegmentSymbol assigned in policy.Segments.Where(s => s.IsAssigned))
        {
            if (map.OwnerOf(assigned, stage) is not { } owner)
            {
                continue;
            }

            foreach (SegmentSymbol segment in ownedPredicates.Where(s => map.OwnerOf(s, stage) != owner && facts.ShareCustomers(assigned, s)))
            {
                Add(assigned, segment);
                Add(segment, assigned);
            }
        }

        foreach (List<OverlapPartner> list in result.Values)
        {
            list.Sort((x, y) => x.Segment.Ordinal.CompareTo(y.Segment.Ordinal));
        }

        return result;
    }
}

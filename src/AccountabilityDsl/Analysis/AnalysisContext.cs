using System.Collections.Immutable;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// What a rule sees: the bound policy, facts computed once and shared between rules, and a
/// place to report.
/// </summary>
public sealed class AnalysisContext
{
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly Lazy<AccountabilityMap> _accountability;
    private readonly Lazy<SegmentRegions> _regions;
    private readonly Lazy<Rules.LimitCoverage> _limits;
    private readonly Lazy<Rules.QuietCoverage> _quiet;

    public AnalysisContext(BoundPolicy policy)
    {
        Policy = policy;
        _accountability = new Lazy<AccountabilityMap>(() => new AccountabilityMap(policy));
        _regions = new Lazy<SegmentRegions>(() => new SegmentRegions(policy));
        _limits = new Lazy<Rules.LimitCoverage>(() => new Rules.LimitCoverage(policy));
        _quiet = new Lazy<Rules.QuietCoverage>(() => new Rules.QuietCoverage(policy));
    }

    public BoundPolicy Policy { get; }

    /// <summary>Which <c>accountable</c> declarations claim each segment x stage cell.</summary>
    public AccountabilityMap Accountability => _accountability.Value;

    /// <summary>The exact customer region of every predicate segment.</summary>
    internal SegmentRegions Regions => _regions.Value;

    /// <summary>The limits that apply to each offer and channel.</summary>
    internal Rules.LimitCoverage Limits => _limits.Value;

    /// <summary>The quiet hours and days of each channel.</summary>
    internal Rules.QuietCoverage Quiet => _quiet.Value;

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    public void Report(
        DiagnosticDescriptor descriptor,
        TextSpan span,
        IEnumerable<RelatedLocation>? related = null,
        Witness? witness = null,
        params object?[] messageArguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, Policy.GetLocation(span), related, witness, messageArguments));

    public RelatedLocation Related(SyntaxNode node, string message) => new(Policy.GetLocation(node), message);

    public RelatedLocation Related(Symbol symbol, string message) => new(Policy.GetLocation(symbol), message);
}

/// <summary>
/// The accountable declarations per (segment, stage) cell, in source order. Shared by the
/// vacuum, conflict and offer-approval rules, the explainer and the code generator. Most cells
/// have one claim or none, so only the first claim is stored per cell; the rare cells with more
/// (OWN0102 conflicts) keep their full list on the side.
/// </summary>
public sealed class AccountabilityMap
{
    private readonly AssignmentSymbol?[] _first;
    private readonly Dictionary<int, List<AssignmentSymbol>> _contested = [];
    private readonly int _stageCount;

    public AccountabilityMap(BoundPolicy policy)
    {
        _stageCount = policy.Stages.Length;
        _first = new AssignmentSymbol?[policy.Segments.Length * _stageCount];
        foreach (AssignmentSymbol assignment in policy.Accountabilities.Where(a => a.Owner is not null))
        {
            foreach (SegmentSymbol segment in assignment.Segments.Resolve(policy.Segments))
            {
                foreach (StageSymbol stage in assignment.Stages)
                {
                    int cell = Cell(segment, stage);
                    if (_first[cell] is not { } first)
                    {
                        _first[cell] = assignment;
                    }
                    else if (_contested.TryGetValue(cell, out List<AssignmentSymbol>? claims))
                    {
                        claims.Add(assignment);
                    }
                    else
                    {
                        _contested[cell] = [first, assignment];
                    }
                }
            }
        }
    }

    /// <summary>The accountable declarations claiming the cell, in source order (empty for a vacuum).</summary>
    public IReadOnlyList<AssignmentSymbol> Claims(SegmentSymbol segment, StageSymbol stage)
    {
        int cell = Cell(segment, stage);
        return _contested.TryGetValue(cell, out List<AssignmentSymbol>? claims) ? claims
            : _first[cell] is { } only ? [only]
            : [];
    }

    /// <summary>The declaration that decides the cell: the first claim (later claims are OWN0102 conflicts).</summary>
    public AssignmentSymbol? DecidingClaim(SegmentSymbol segment, StageSymbol stage) => _first[Cell(segment, stage)];

    /// <summary>The owner the cell resolves to.</summary>
    public OwnerSymbol? OwnerOf(SegmentSymbol segment, StageSymbol stage) => _first[Cell(segment, stage)]?.Owner;

    /// <summary>The cells claimed more than once, as (segment ordinal, stage ordinal, claims), in cell order.</summary>
    public IEnumerable<(int Segment, int Stage, IReadOnlyList<AssignmentSymbol> Claims)> ContestedCells =>
        _contested.OrderBy(c => c.Key).Select(c => (c.Key / _stageCount, c.Key % _stageCount, (IReadOnlyList<AssignmentSymbol>)c.Value));

    private int Cell(SegmentSymbol segment, StageSymbol stage) => segment.Ordinal * _stageCount + stage.Ordinal;
}

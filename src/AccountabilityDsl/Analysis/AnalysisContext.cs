using System.Collections.Immutable;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// What a rule sees: the bound policy, the facts shared with every other consumer
/// (<see cref="PolicyFacts"/>, computed once per compilation), and a place to report.
/// </summary>
public sealed class AnalysisContext
{
    private readonly List<Diagnostic> _diagnostics = [];

    public AnalysisContext(BoundPolicy policy)
        : this(new PolicyFacts(policy))
    {
    }

    public AnalysisContext(PolicyFacts facts)
    {
        Facts = facts;
    }

    public PolicyFacts Facts { get; }

    public BoundPolicy Policy => Facts.Policy;

    /// <summary>Which <c>accountable</c> declarations claim each segment x stage cell.</summary>
    public AccountabilityMap Accountability => Facts.Accountability;

    /// <summary>The exact customer region of every predicate segment.</summary>
    internal SegmentRegions Regions => Facts.Regions;

    /// <summary>The limits that apply to each offer and channel.</summary>
    internal LimitCoverage Limits => Facts.Limits;

    /// <summary>The quiet hours and days of each channel.</summary>
    internal Rules.QuietCoverage Quiet => Facts.Quiet;

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>Reports at a node, in the file the node is in.</summary>
    public void Report(
        DiagnosticDescriptor descriptor,
        SyntaxNode node,
        IEnumerable<RelatedLocation>? related = null,
        Witness? witness = null,
        params object?[] messageArguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, Policy.GetLocation(node), related, witness, messageArguments));

    /// <summary>Reports at a symbol's declared name, in the file it is declared in.</summary>
    public void Report(
        DiagnosticDescriptor descriptor,
        Symbol symbol,
        IEnumerable<RelatedLocation>? related = null,
        Witness? witness = null,
        params object?[] messageArguments) =>
        Report(descriptor, symbol.Declaration, related, witness, messageArguments);

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

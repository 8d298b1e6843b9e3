using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Binding;

/// <summary>
/// The semantic model of one policy: every declaration resolved to symbols, with the binding
/// diagnostics. Analysis rules and the code generator work on this, never on syntax alone.
/// </summary>
public sealed class BoundPolicy
{
    internal BoundPolicy(
        SyntaxTree tree,
        PolicyHeaderSyntax? header,
        ImmutableArray<AttributeSymbol> attributes,
        ImmutableArray<SegmentSymbol> segments,
        ImmutableArray<StageSymbol> stages,
        ImmutableArray<OwnerSymbol> owners,
        ImmutableArray<ChannelSymbol> channels,
        ImmutableArray<OfferSymbol> offers,
        ImmutableArray<AssignmentSymbol> assignments,
        ImmutableArray<LimitSymbol> limits,
        ImmutableArray<CooldownSymbol> cooldowns,
        ImmutableArray<ExemptDeclarationSyntax> exemptions,
        IReadOnlySet<Symbol> referenced,
        ImmutableArray<Diagnostic> diagnostics)
    {
        Tree = tree;
        Header = header;
        Attributes = attributes;
        Segments = segments;
        Stages = stages;
        Owners = owners;
        Channels = channels;
        Offers = offers;
        Assignments = assignments;
        Limits = limits;
        Cooldowns = cooldowns;
        Exemptions = exemptions;
        Referenced = referenced;
        Diagnostics = diagnostics;
    }

    public SyntaxTree Tree { get; }

    public SourceText Source => Tree.Source;

    public PolicyHeaderSyntax? Header { get; }

    public string Name => Header?.Name.Text is { Length: > 0 } name ? name : "Unnamed";

    public string? Namespace => Header?.NamespaceText;

    public ImmutableArray<AttributeSymbol> Attributes { get; }

    public ImmutableArray<SegmentSymbol> Segments { get; }

    public ImmutableArray<StageSymbol> Stages { get; }

    public ImmutableArray<OwnerSymbol> Owners { get; }

    public ImmutableArray<ChannelSymbol> Channels { get; }

    public ImmutableArray<OfferSymbol> Offers { get; }

    /// <summary>Every RACI declaration in source order.</summary>
    public ImmutableArray<AssignmentSymbol> Assignments { get; }

    public IEnumerable<AssignmentSymbol> Accountabilities => Assignments.Where(a => a.Role == RaciRole.Accountable);

    /// <summary>The <c>fallback</c> owner: accountable wherever no <c>accountable</c> line gives a customer an owner.</summary>
    public OwnerSymbol? Fallback { get; internal set; }

    /// <summary>The <c>fallback</c> declaration that named <see cref="Fallback"/>.</summary>
    public FallbackDeclarationSyntax? FallbackSyntax { get; internal set; }

    public ImmutableArray<LimitSymbol> Limits { get; }

    public ImmutableArray<CooldownSymbol> Cooldowns { get; }

    public ImmutableArray<ExemptDeclarationSyntax> Exemptions { get; }

    /// <summary>Symbols some declaration refers to (<c>*</c> refers to every segment and stage).</summary>
#if NET5_0_OR_GREATER
    public
#else
    // netstandard2.0 (built for the .NET Framework MSBuild task only) has no public
    // IReadOnlySet<T>; its stand-in is internal (Compatibility/ReadOnlySet.cs).
    internal
#endif
    IReadOnlySet<Symbol> Referenced { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public bool HasAssignedSegments => Segments.Any(s => s.IsAssigned);

    public Location GetLocation(TextSpan span) => new(Source, span);

    public Location GetLocation(Symbol symbol) => new(Source, symbol.Span);

    public Location GetLocation(SyntaxNode node) => new(Source, node.Span);

    public int LineOf(SyntaxNode node) => Source.GetLinePosition(node.Span.Start).Line;
}

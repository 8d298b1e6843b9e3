using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Binding;

/// <summary>
/// The semantic model of one policy, made of one file or of several files that share the policy's
/// name: every declaration resolved to symbols, with the binding diagnostics. Analysis rules and
/// the code generator work on this, never on syntax alone. Locations are asked of it
/// (<see cref="GetLocation(SyntaxNode)"/>), because only it knows which file a node is in.
/// </summary>
public sealed class BoundPolicy
{
    private readonly Lazy<Dictionary<SyntaxNode, SyntaxTree>> _treeOfNode;
    private readonly Lazy<int> _rootDepth;

    internal BoundPolicy(
        ImmutableArray<SyntaxTree> trees,
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
        Trees = trees;
        Header = header;
        _treeOfNode = new Lazy<Dictionary<SyntaxNode, SyntaxTree>>(MapNodesToTrees);
        _rootDepth = new Lazy<int>(RootDepth);
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

    /// <summary>The policy's files, in the order they were given (which fixes symbol order).</summary>
    public ImmutableArray<SyntaxTree> Trees { get; }

    /// <summary>The first file: the only one of a one-file policy.</summary>
    public SyntaxTree Tree => Trees[0];

    /// <summary>The first file's text; use <see cref="SourceOf"/> for a node's own file.</summary>
    public SourceText Source => Tree.Source;

    public PolicyHeaderSyntax? Header { get; }

    public string Name => Header?.Name.Text is { Length: > 0 } name ? name : "Unnamed";

    /// <summary>The namespace one of the files gives (OWN0007 when they disagree).</summary>
    public string? Namespace => Trees.SelectMany(t => t.Declarations.OfType<PolicyHeaderSyntax>()).Select(h => h.NamespaceText).FirstOrDefault(ns => ns is not null);

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

    /// <summary><c>group</c> declarations in source order.</summary>
    public ImmutableArray<GroupSymbol> Groups { get; internal init; } = [];

    /// <summary><c>never</c> rules in source order.</summary>
    public ImmutableArray<NeverSymbol> Nevers { get; internal init; } = [];

    /// <summary><c>quiet</c> declarations in source order.</summary>
    public ImmutableArray<QuietSymbol> Quiets { get; internal init; } = [];

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

    /// <summary>A span of the first file (<see cref="Tree"/>); nodes and symbols know their own file.</summary>
    public Location GetLocation(TextSpan span) => new(Source, span);

    public Location GetLocation(Symbol symbol) => GetLocation(symbol.Declaration);

    public Location GetLocation(SyntaxNode node) => new(SourceOf(node), node.Span);

    /// <summary>The file a node of this policy's syntax is in.</summary>
    public SyntaxTree TreeOf(SyntaxNode node) =>
        Trees.Length == 1 ? Trees[0]
        : _treeOfNode.Value.TryGetValue(node, out SyntaxTree? tree) ? tree
        : throw new ArgumentException("The node is not part of this policy's syntax.", nameof(node));

    public SourceText SourceOf(SyntaxNode node) => TreeOf(node).Source;

    /// <summary>The 1-based line a node starts on, in its own file.</summary>
    public int LineOf(SyntaxNode node) => SourceOf(node).GetLinePosition(node.Span.Start).Line;

    /// <summary>
    /// Where a node is, for people: <c>line 12</c> in a one-file policy, <c>line 12 of boats.owner</c>
    /// in a policy of several files (so matrix and explain say which file decided a cell).
    /// </summary>
    public string LineReference(SyntaxNode node) =>
        Trees.Length == 1 ? $"line {LineOf(node)}" : $"line {LineOf(node)} of {PathInPolicy(TreeOf(node))}";

    /// <summary>
    /// A file of this policy named the way generated code and the runtime name it: its path from the
    /// policy's root, the deepest folder that holds every file of the policy, with <c>/</c> between
    /// folders (<c>core.owner</c>, <c>offers/boats.owner</c>). A one-file policy's file is its name.
    /// Unlike a diagnostic's path (as given on the command line), it does not depend on where the
    /// compiler ran, and two files of one name in different folders stay apart.
    /// </summary>
    public string PathInPolicy(SyntaxTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return string.Join("/", PathParts(tree).Skip(_rootDepth.Value));
    }

    // A path's folders and name; '\\' separates only where the system says so (on Linux it may be in a name).
    private static readonly char[] Separators = [.. new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }.Distinct()];

    private static string[] PathParts(SyntaxTree tree) => tree.FilePath.Split(Separators);

    /// <summary>How many leading folders every file's path shares: the depth of the policy's root.</summary>
    private int RootDepth()
    {
        string[][] paths = [.. Trees.Select(PathParts)];
        int depth = paths.Length == 0 ? 0 : paths.Min(p => p.Length - 1);
        for (int i = 0; i < depth; i++)
        {
            if (paths.Any(p => p[i] != paths[0][i]))
            {
                return i;
            }
        }

        return depth;
    }

    /// <summary>
    /// Where several nodes are, for people: <c>lines 8, 9</c> in a one-file policy, <c>lines 8, 9
    /// of core.owner</c> when they share a file of a policy of several, otherwise each
    /// <see cref="LineReference"/> in turn.
    /// </summary>
    public string LinesReference(IEnumerable<SyntaxNode> nodes)
    {
        var list = nodes.ToList();
        var files = list.Select(SourceOf).Distinct().ToList();
        if (list.Count == 1 || files.Count > 1)
        {
            return string.Join(", ", list.Select(LineReference));
        }

        string lines = "lines " + string.Join(", ", list.Select(LineOf));
        return Trees.Length == 1 ? lines : $"{lines} of {PathInPolicy(TreeOf(list[0]))}";
    }

    /// <summary>The text of the line a node starts on, trimmed, from its own file.</summary>
    public string LineTextOf(SyntaxNode node) => SourceOf(node).GetLineText(LineOf(node)).Trim();

    /// <summary>The text of a node, from its own file.</summary>
    public string TextOf(SyntaxNode node) => SourceOf(node).ToString(node.Span);

    private Dictionary<SyntaxNode, SyntaxTree> MapNodesToTrees()
    {
        // Nodes are records that compare by value: two files may hold equal nodes, so by reference.
        var map = new Dictionary<SyntaxNode, SyntaxTree>(ReferenceEqualityComparer.Instance);
        foreach (SyntaxTree tree in Trees)
        {
            foreach (SyntaxNode node in tree.DescendantNodes())
            {
                map[node] = tree;
            }
        }

        return map;
    }
}

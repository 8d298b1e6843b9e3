using System.Collections.Immutable;
using System.Globalization;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Binding;

/// <summary>
/// Resolves names across every file of one policy. Declarations may come in any order and in
/// any of the files, so binding is two passes: declare every symbol of every file, then resolve
/// every reference. Diagnostics are anchored in the file of the declaration they are about.
/// Missing names (left by syntax errors) are skipped silently: the syntax error already explains them.
/// </summary>
public sealed class Binder
{
    private readonly ImmutableArray<SyntaxTree> _trees;
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<Symbol> _referenced = [];
    private readonly Dictionary<Symbol, SyntaxTree> _symbolTrees = new(ReferenceEqualityComparer.Instance);

    private readonly SymbolTable<AttributeSymbol> _attributes = new("attribute");
    private readonly SymbolTable<SegmentSymbol> _segments = new("segment");
    private readonly SymbolTable<StageSymbol> _stages = new("stage");
    private readonly SymbolTable<OwnerSymbol> _owners = new("owner");
    private readonly SymbolTable<ChannelSymbol> _channels = new("channel");
    private readonly SymbolTable<OfferSymbol> _offers = new("offer");
    private readonly SymbolTable<GroupSymbol> _groups = new("group");
    private readonly HashSet<GroupSymbol> _boundGroups = [];
    private readonly Dictionary<string, EventSymbol> _events = new(StringComparer.Ordinal);
    private (FallbackDeclarationSyntax Syntax, SyntaxTree Tree)? _fallback;

    /// <summary>The file being bound: where diagnostics are anchored.</summary>
    private SyntaxTree _tree;

    private Binder(ImmutableArray<SyntaxTree> trees)
    {
        _trees = trees;
        _tree = trees[0];
    }

    public static BoundPolicy Bind(SyntaxTree tree) => Bind([tree]);

    /// <summary>Binds the files of one policy (in the order given, which fixes symbol order) as one.</summary>
    public static BoundPolicy Bind(IEnumerable<SyntaxTree> trees)
    {
        ImmutableArray<SyntaxTree> all = [.. trees];
        if (all.IsEmpty)
        {
            throw new ArgumentException("A policy needs at least one file.", nameof(trees));
        }

        return new Binder(all).BindPolicy();
    }

    private BoundPolicy BindPolicy()
    {
        PolicyHeaderSyntax? header = DeclareAll();
        var assignments = ImmutableArray.CreateBuilder<AssignmentSymbol>();
        var limits = ImmutableArray.CreateBuilder<LimitSymbol>();
        var cooldowns = ImmutableArray.CreateBuilder<CooldownSymbol>();
        var exemptions = ImmutableArray.CreateBuilder<ExemptDeclarationSyntax>();
        var nevers = ImmutableArray.CreateBuilder<NeverSymbol>();
        var quiets = ImmutableArray.CreateBuilder<QuietSymbol>();

        // Groups first: limits and never rules anywhere in the file read their flattened offers.
        foreach (GroupSymbol group in _groups.Symbols)
        {
            _tree = _symbolTrees[group];
            BindGroup(group, []);
        }

        OwnerSymbol? fallbackOwner = null;

        foreach (SyntaxTree tree in _trees)
        {
            _tree = tree;
            foreach (DeclarationSyntax declaration in tree.Declarations)
            {
                switch (declaration)
                {
                    case SegmentDeclarationSyntax segment when segment.Predicate is not null && _segments.Declared(segment.Name) is { } symbol:
                        BindSegmentPredicate(symbol, segment.Predicate);
                        break;
                    case AssignmentDeclarationSyntax assignment:
                        assignments.Add(BindAssignment(assignment, assignments.Count));
                        break;
                    case OfferDeclarationSyntax offer when _offers.Declared(offer.Name) is { } symbol:
                        BindOffer(symbol);
                        break;
                    case LimitDeclarationSyntax limit:
                        limits.Add(BindLimit(limit));
                        break;
                    case CooldownDeclarationSyntax cooldown:
                        cooldowns.Add(BindCooldown(cooldown));
                        break;
                    case ExemptDeclarationSyntax exempt:
                        exemptions.Add(exempt);
                        break;
                    case NeverDeclarationSyntax never:
                        nevers.Add(BindNever(never));
                        break;
                    case QuietDeclarationSyntax quiet:
                        quiets.Add(BindQuiet(quiet));
                        break;
                    case OwnerDeclarationSyntax { ReportsTo: { } superior } owner when _owners.Declared(owner.Name) is { } symbol:
                        symbol.ReportsTo = Resolve(_owners, superior);
                        break;
                    case FallbackDeclarationSyntax fallback when _fallback is { } first && fallback == first.Syntax:
                        fallbackOwner = Resolve(_owners, fallback.Owner);
                        break;
                }
            }
        }

        ReportSegmentCycles();
        return new BoundPolicy(
            _trees, header, _attributes.Symbols, _segments.Symbols, _stages.Symbols, _owners.Symbols, _channels.Symbols,
            _offers.Symbols, assignments.ToImmutable(), limits.ToImmutable(), cooldowns.ToImmutable(), exemptions.ToImmutable(),
            _referenced, [.. _diagnostics])
        {
            Groups = _groups.Symbols,
            Nevers = nevers.ToImmutable(),
            Quiets = quiets.ToImmutable(),
            Fallback = fallbackOwner,
            FallbackSyntax = fallbackOwner is null ? null : _fallback?.Syntax,
        };
    }

    // ---- Pass 1: declarations ---------------------------------------------------------

    private PolicyHeaderSyntax? DeclareAll()
    {
        (PolicyHeaderSyntax Syntax, SyntaxTree Tree)? header = null;
        (PolicyHeaderSyntax Syntax, SyntaxTree Tree)? namespaced = null;
        (StagesDeclarationSyntax Syntax, SyntaxTree Tree)? stages = null;
        foreach (SyntaxTree tree in _trees)
        {
            _tree = tree;
            PolicyHeaderSyntax? fileHeader = null;
            bool sawOtherDeclaration = false;
            foreach (DeclarationSyntax declaration in tree.Declarations)
            {
                switch (declaration)
                {
                    case PolicyHeaderSyntax h when fileHeader is null:
                        fileHeader = h;
                        header ??= (h, tree);
                        if (sawOtherDeclaration)
                        {
                            Report(CompilerDiagnostics.PolicyStructureError, h.Span, "the 'policy' header must come before every other declaration");
                        }

                        if (h.NamespaceText is { } ns)
                        {
                            if (namespaced is { } first && first.Syntax.NamespaceText != ns)
                            {
                                ReportNamespaceMismatch(h, first.Syntax, first.Tree);
                            }

                            namespaced ??= (h, tree);
                        }

                        break;
                    case PolicyHeaderSyntax h:
                        Report(CompilerDiagnostics.PolicyStructureError, h.Span,
                            $"the 'policy' header is repeated; a file declares one policy, and this one is already declared on line {LineOf(fileHeader.Span)}");
                        break;
                    case AttributeDeclarationSyntax a:
                        DeclareAttribute(a);
                        break;
                    case SegmentDeclarationSyntax s:
                        Declare(_segments, s.Name, name => new SegmentSymbol(name, s.Name, s, _segments.Count));
                        break;
                    case StagesDeclarationSyntax s when stages is null:
                        stages = (s, tree);
                        foreach (NameSyntax stage in s.Stages)
                        {
                            Declare(_stages, stage, name => new StageSymbol(name, stage, _stages.Count));
                        }

                        break;
                    case StagesDeclarationSyntax s:
                        Report(CompilerDiagnostics.DuplicateDeclaration, s.Span,
                            [Related(stages.Value.Tree, stages.Value.Syntax, "the lifecycle is declared here")],
                            "the lifecycle", "stages", $"{Where(stages.Value.Tree, stages.Value.Syntax.Span)}; a policy has one 'stages' line");
                        break;
                    case OwnerDeclarationSyntax o:
                        Declare(_owners, o.Name, name => new OwnerSymbol(name, o.Name, o));
                        break;
                    case ChannelDeclarationSyntax c:
                        if (!ClashesWith(c.Name, "channel", _offers, _groups))
                        {
                            Declare(_channels, c.Name, name => new ChannelSymbol(name, c.Name, c));
                        }

                        break;
                    case OfferDeclarationSyntax o:
                        if (!ClashesWith(o.Name, "offer", _channels, _groups))
                        {
                            Declare(_offers, o.Name, name => new OfferSymbol(name, o.Name, o, _offers.Count));
                        }

                        break;
                    case GroupDeclarationSyntax g:
                        if (!ClashesWith(g.Name, "group", _channels, _offers))
                        {
                            Declare(_groups, g.Name, name => new GroupSymbol(name, g.Name, g));
                        }

                        break;
                    case FallbackDeclarationSyntax f when _fallback is null:
                        _fallback = (f, tree);
                        break;
                    case FallbackDeclarationSyntax f:
                        Report(CompilerDiagnostics.DuplicateDeclaration, f.Span,
                            [Related(_fallback.Value.Tree, _fallback.Value.Syntax, "the fallback owner is declared here")],
                            "the fallback owner", "fallback", $"{Where(_fallback.Value.Tree, _fallback.Value.Syntax.Span)}; a policy has one 'fallback' line");
                        break;
                    case CooldownDeclarationSyntax c when !c.Event.IsMissing && !_events.ContainsKey(c.Event.Text):
                        _events.Add(c.Event.Text, new EventSymbol(c.Event.Text, c.Event));
                        break;
                }

                sawOtherDeclaration |= declaration is not PolicyHeaderSyntax;
            }

            if (fileHeader is null && !tree.Source.IsBinary)
            {
                // The parser has said when a file is binary; a missing header follows from that.
                Report(CompilerDiagnostics.PolicyStructureError, new TextSpan(0, 0),
                    "the file has no 'policy' header; start it with 'policy Name' (optionally 'namespace A.B')");
            }
        }

        if (stages is null && !_trees.Any(t => t.Source.IsBinary))
        {
            _tree = header?.Tree ?? _trees[0];
            Report(CompilerDiagnostics.PolicyStructureError, header?.Syntax.Name.Span ?? new TextSpan(0, 0),
                "the policy declares no lifecycle; add a 'stages' line such as 'stages Prospect -> Active -> Retention'");
        }

        return header?.Syntax;
    }

    /// <summary>OWN0007: at most one file of a policy gives its namespace, or all give the same one.</summary>
    private void ReportNamespaceMismatch(PolicyHeaderSyntax header, PolicyHeaderSyntax first, SyntaxTree firstTree)
    {
        TextSpan span = header.Namespace.IsEmpty ? header.Span : TextSpan.FromBounds(header.Namespace[0].Span.Start, header.Namespace[^1].Span.End);
        Report(CompilerDiagnostics.NamespaceMismatch, span,
            [Related(firstTree, first, $"namespace {first.NamespaceText} is given here")],
            $"policy '{header.Name.Text}' is given namespace '{header.NamespaceText}' here but '{first.NamespaceText}' in {Path.GetFileName(firstTree.FilePath)}; "
            + "give the namespace in one file only, or the same one in every file");
    }

    private void DeclareAttribute(AttributeDeclarationSyntax attribute)
    {
        var members = new Dictionary<string, NameSyntax>(StringComparer.Ordinal);
        foreach (NameSyntax member in attribute.Type.Members.Where(m => !m.IsMissing))
        {
            if (members.TryGetValue(member.Text, out NameSyntax? first))
            {
                Report(CompilerDiagnostics.DuplicateDeclaration, member.Span, "enum member", member.Text, LineOf(first.Span).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                members.Add(member.Text, member);
            }
        }

        Declare(_attributes, attribute.Name, name => new AttributeSymbol(name, attribute.Name, attribute.Type.Kind, [.. members.Keys], _attributes.Count));
    }

    private void Declare<T>(SymbolTable<T> table, NameSyntax name, Func<string, T> create)
        where T : Symbol
    {
        if (name.IsMissing)
        {
            return;
        }

        if (table.TryGet(name.Text, out T? existing))
        {
            Report(CompilerDiagnostics.DuplicateDeclaration, name.Span,
                [Related(existing, $"{table.Noun} {name.Text} is first declared here")],
                table.Noun, name.Text, Where(existing));
            return;
        }

        T symbol = create(name.Text);
        _symbolTrees[symbol] = _tree;
        table.Add(symbol);
    }

    /// <summary>Limits name a channel, an offer or a group by bare name, so the three kinds share one namespace.</summary>
    private bool ClashesWith(NameSyntax name, string noun, params ISymbolTable[] others)
    {
        if (name.IsMissing || others.Select(t => t.Find(name.Text)).FirstOrDefault(s => s is not null) is not { } existing)
        {
            return false;
        }

        string article = existing.Kind == SymbolKind.Offer ? "an" : "a";
        string kind = $"{article} {existing.Kind.ToString().ToLowerInvariant()}";
        Report(CompilerDiagnostics.DuplicateDeclaration, name.Span,
            [Related(existing, $"{name.Text} is declared here as {kind}")],
            noun, name.Text,
            $"{Where(existing)} as {kind}; channels, offers and groups share names because a limit can name any of them");
        return true;
    }

    // ---- Pass 2: references -----------------------------------------------------------

    private AssignmentSymbol BindAssignment(AssignmentDeclarationSyntax syntax, int ordinal) => new(syntax, ordinal)
    {
        Owner = Resolve(_owners, syntax.Owner),
        Segments = BindSegments(syntax.Segments),
        Stages = BindStages(syntax.Stages),
        Channels = [.. syntax.Channels.Select(c => Resolve(_channels, c)).OfType<ChannelSymbol>()],
    };

    private void BindOffer(OfferSymbol offer)
    {
        OfferDeclarationSyntax syntax = offer.Syntax;
        offer.Sponsor = Resolve(_owners, syntax.Sponsor);
        offer.Segments = BindSegments(syntax.Segments);
        offer.Stages = syntax.Stages is null ? _stages.Symbols : BindStages(syntax.Stages);
        offer.Channels = [.. syntax.Channels.Select(c => Resolve(_channels, c)).OfType<ChannelSymbol>()];
        offer.ApprovedBy = [.. syntax.ApprovedBy.Select(o => Resolve(_owners, o)).OfType<OwnerSymbol>()];
    }

    private LimitSymbol BindLimit(LimitDeclarationSyntax syntax)
    {
        var limit = new LimitSymbol(syntax);
        switch (syntax.Scope.Kind)
        {
            case LimitScopeKind.Offers:
                limit.Scope = LimitScope.Offers;
                break;
            case LimitScopeKind.Contacts:
                limit.Scope = LimitScope.Contacts;
                break;
            default:
                NameSyntax name = syntax.Scope.Name!;
                if (name.IsMissing)
                {
                    break;
                }

                if (_channels.TryGet(name.Text, out ChannelSymbol? channel))
                {
                    (limit.Scope, limit.Target) = (LimitScope.Channel, channel);
                    _referenced.Add(channel);
                }
                else if (_offers.TryGet(name.Text, out OfferSymbol? offer))
                {
                    (limit.Scope, limit.Target) = (LimitScope.Offer, offer);
                    _referenced.Add(offer);
                }
                else if (_groups.TryGet(name.Text, out GroupSymbol? group))
                {
                    (limit.Scope, limit.Target) = (LimitScope.Group, group);
                    _referenced.Add(group);
                }
                else
                {
                    ReportUnknown("channel, offer or group", name, _channels.Names.Concat(_offers.Names).Concat(_groups.Names));
                }

                break;
        }

        if (syntax.Segments is { } segments)
        {
            limit.InSegments = [.. segments.Select(n => Resolve(_segments, n)).OfType<SegmentSymbol>().Distinct()];
        }

        if (syntax.Stages is { } stages)
        {
            limit.AtStages = BindStages(stages);
        }

        if (syntax.WindowCount is { IsMissing: false, Value: 0 })
        {
            Report(CompilerDiagnostics.EmptyWindow, syntax.WindowCount.Span,
                $"a window of 0 {SyntaxFacts.Text(syntax.WindowUnit.Unit, plural: true)} contains no time, so the limit could never count anything; use at least 1");
        }

        return limit;
    }

    /// <summary>
    /// Flattens a group's members into its offers. <paramref name="path"/> holds the groups being
    /// flattened above this one, so a group that contains itself, directly or through others, is
    /// reported once, on the member that closes the cycle.
    /// </summary>
    private ImmutableArray<OfferSymbol> BindGroup(GroupSymbol group, List<GroupSymbol> path)
    {
        if (!_boundGroups.Add(group))
        {
            return group.Offers;
        }

        path.Add(group);
        var offers = new HashSet<OfferSymbol>();
        foreach (NameSyntax member in group.Syntax.Members)
        {
            if (member.IsMissing)
            {
                continue;
            }

            if (_offers.TryGet(member.Text, out OfferSymbol? offer))
            {
                _referenced.Add(offer);
                offers.Add(offer);
            }
            else if (_groups.TryGet(member.Text, out GroupSymbol? nested))
            {
                _referenced.Add(nested);
                if (path.Contains(nested))
                {
                    string cycle = string.Join(" -> ", path.SkipWhile(g => g != nested).Select(g => g.Name).Append(nested.Name));
                    Report(CompilerDiagnostics.GroupCycle, member.Span, nested.Name, cycle);
                    continue;
                }

                offers.UnionWith(BindGroup(nested, path));
            }
            else
            {
                ReportUnknown("offer or group", member, _offers.Names.Concat(_groups.Names));
            }
        }

        path.RemoveAt(path.Count - 1);
        group.Offers = [.. offers.OrderBy(o => o.Ordinal)];
        return group.Offers;
    }

    private NeverSymbol BindNever(NeverDeclarationSyntax syntax)
    {
        var never = new NeverSymbol(syntax) { First = ResolveOfferSet(syntax.First), Second = ResolveOfferSet(syntax.Second) };
        if (syntax.WindowCount is { IsMissing: false, Value: 0 })
        {
            Report(CompilerDiagnostics.EmptyWindow, syntax.WindowCount.Span,
                $"a window of 0 {syntax.WindowUnit.Unit.ToString().ToLowerInvariant()}s contains no time, so the rule could never refuse anything; use at least 1");
        }

        return never;
    }

    private Symbol? ResolveOfferSet(NameSyntax name)
    {
        if (name.IsMissing)
        {
            return null;
        }

        if (_offers.TryGet(name.Text, out OfferSymbol? offer))
        {
            _referenced.Add(offer);
            return offer;
        }

        if (_groups.TryGet(name.Text, out GroupSymbol? group))
        {
            _referenced.Add(group);
            return group;
        }

        ReportUnknown("offer or group", name, _offers.Names.Concat(_groups.Names));
        return null;
    }

    private static readonly string[] DayNames = [.. Enum.GetNames(typeof(DayOfWeek))];

    private QuietSymbol BindQuiet(QuietDeclarationSyntax syntax)
    {
        var hours = ImmutableArray.CreateBuilder<(int From, int To)>();
        var days = ImmutableArray.CreateBuilder<DayOfWeek>();
        foreach (QuietItemSyntax item in syntax.Items)
        {
            switch (item)
            {
                case QuietHoursSyntax { From.IsMissing: false, To.IsMissing: false } range when range.From.Minutes == range.To.Minutes:
                    Report(CompilerDiagnostics.EmptyWindow, range.Span,
                        $"the quiet hours '{range.From.Text}..{range.To.Text}' start and end at the same time, so they contain no time; write a range such as '20:00..09:00' (a whole day is the day's name)");
                    break;
                case QuietHoursSyntax { From.IsMissing: false, To.IsMissing: false } range when range.From.Minutes == 1440:
                    Report(CompilerDiagnostics.EmptyWindow, range.From.Span, "quiet hours cannot start at 24:00, the end of the day; start them at 00:00");
                    break;
                case QuietHoursSyntax { From.IsMissing: false, To.IsMissing: false } range:
                    hours.Add((range.From.Minutes, range.To.Minutes));
                    break;
                case QuietDaySyntax { Day.IsMissing: false } day when Enum.TryParse(day.Day.Text, ignoreCase: false, out DayOfWeek parsed) && DayNames.Contains(day.Day.Text):
                    days.Add(parsed);
                    break;
                case QuietDaySyntax { Day.IsMissing: false } day:
                    ReportUnknown("day of the week", day.Day, DayNames);
                    break;
            }
        }

        return new QuietSymbol(syntax) { Channel = Resolve(_channels, syntax.Channel), Hours = hours.ToImmutable(), Days = [.. days.Distinct()] };
    }

    private CooldownSymbol BindCooldown(CooldownDeclarationSyntax syntax)
    {
        if (syntax.Duration is { IsMissing: false, Value: 0 })
        {
            Report(CompilerDiagnostics.EmptyWindow, syntax.Duration.Span, "a cool-down of 0 days has no effect; use at least 1 or remove it");
        }

        EventSymbol @event = _events.TryGetValue(syntax.Event.Text, out EventSymbol? known) ? known : new EventSymbol(syntax.Event.Text, syntax.Event);
        return new CooldownSymbol(syntax, @event);
    }

    private SegmentSet BindSegments(SegmentListSyntax list)
    {
        if (list.IsWildcard)
        {
            _referenced.UnionWith(_segments.Symbols);
            return new SegmentSet(true, _segments.Symbols);
        }

        return new SegmentSet(false, [.. list.Names.Select(n => Resolve(_segments, n)).OfType<SegmentSymbol>().Distinct()]);
    }

    private ImmutableArray<StageSymbol> BindStages(StageListSyntax list)
    {
        if (list.IsWildcard)
        {
            _referenced.UnionWith(_stages.Symbols);
            return _stages.Symbols;
        }

        // A flag per lifecycle stage: ranges over long lifecycles cost one pass, in lifecycle order.
        ImmutableArray<StageSymbol> lifecycle = _stages.Symbols;
        var included = new bool[lifecycle.Length];
        foreach (StageRangeSyntax range in list.Ranges)
        {
            StageSymbol? from = Resolve(_stages, range.From);
            if (range.To is null)
            {
                if (from is not null)
                {
                    included[from.Ordinal] = true;
                }

                continue;
            }

            StageSymbol? to = Resolve(_stages, range.To);
            if (from is null || to is null)
            {
                continue;
            }

            if (to.Ordinal < from.Ordinal)
            {
                Report(CompilerDiagnostics.BackwardsStageRange, range.Span, from.Name, to.Name);
                continue;
            }

            for (int ordinal = from.Ordinal; ordinal <= to.Ordinal; ordinal++)
            {
                included[ordinal] = true;
                _referenced.Add(lifecycle[ordinal]);
            }
        }

        var stages = ImmutableArray.CreateBuilder<StageSymbol>();
        for (int ordinal = 0; ordinal < included.Length; ordinal++)
        {
            if (included[ordinal])
            {
                stages.Add(lifecycle[ordinal]);
            }
        }

        return stages.ToImmutable();
    }

    private void BindSegmentPredicate(SegmentSymbol segment, PredicateSyntax predicate)
    {
        int errorsBefore = _diagnostics.Count(d => d.IsError);
        BoundPredicate? bound = new PredicateBinder(this).Bind(predicate);
        segment.PredicateHasErrors = bound is null || _diagnostics.Count(d => d.IsError) > errorsBefore;
        segment.Predicate = segment.PredicateHasErrors ? null : bound;
        if (bound is not null)
        {
            segment.ReferencedSegments = [.. SegmentReferences(bound).Select(r => r.Segment).Distinct()];
        }
    }

    /// <summary>The segment references in a predicate, in source order.</summary>
    internal static IEnumerable<BoundSegmentReference> SegmentReferences(BoundPredicate predicate)
    {
        var pending = new Stack<BoundPredicate>();
        pending.Push(predicate);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case BoundSegmentReference reference:
                    yield return reference;
                    break;
                case BoundNot not:
                    pending.Push(not.Operand);
                    break;
                case BoundLogical logical:
                    for (int i = logical.Operands.Length - 1; i >= 0; i--)
                    {
                        pending.Push(logical.Operands[i]);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// OWN0006: segments defined through each other in a circle have no meaning. Each circle is
    /// reported once, on the first segment of it in declaration order, and its segments lose their
    /// predicates (so nothing downstream evaluates a definition that never ends).
    /// </summary>
    private void ReportSegmentCycles()
    {
        var state = new Dictionary<SegmentSymbol, int>(); // absent: unvisited, 1: on the path, 2: done
        var inCycle = new HashSet<SegmentSymbol>();
        foreach (SegmentSymbol root in _segments.Symbols)
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            // Iterative depth-first search: a chain of thousands of segments costs no stack.
            var path = new List<(SegmentSymbol Segment, int Next)> { (root, 0) };
            state[root] = 1;
            while (path.Count > 0)
            {
                (SegmentSymbol current, int next) = path[^1];
                if (next >= current.ReferencedSegments.Length)
                {
                    state[current] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                path[^1] = (current, next + 1);
                SegmentSymbol target = current.ReferencedSegments[next];
                if (!state.TryGetValue(target, out int seen))
                {
                    state[target] = 1;
                    path.Add((target, 0));
                }
                else if (seen == 1)
                {
                    int start = path.FindIndex(p => p.Segment == target);
                    List<SegmentSymbol> cycle = [.. path.Skip(start).Select(p => p.Segment)];
                    if (!cycle.Any(inCycle.Contains))
                    {
                        ReportCycle(cycle);
                    }

                    inCycle.UnionWith(cycle);
                }
            }
        }

        foreach (SegmentSymbol segment in inCycle)
        {
            segment.Predicate = null;
            segment.PredicateHasErrors = true;
        }
    }

    private void ReportCycle(List<SegmentSymbol> cycle)
    {
        // Start the story at the segment declared first, so the report does not depend on search order.
        int first = cycle.IndexOf(cycle.OrderBy(s => s.Ordinal).First());
        List<SegmentSymbol> ordered = [.. cycle.Skip(first), .. cycle.Take(first)];

        // A segment's predicate is in the file that declares the segment.
        Location ReferenceTo(SegmentSymbol from, SegmentSymbol to) =>
            new(_symbolTrees[from].Source, SegmentReferences(from.Predicate!).First(r => r.Segment == to).Syntax.Span);

        string circle = string.Join(" -> ", ordered.Append(ordered[0]).Select(s => s.Name));
        var related = ordered.Skip(1)
            .Select((s, i) => new RelatedLocation(
                ReferenceTo(s, ordered[(i + 2) % ordered.Count]),
                $"{s.Name} is defined through {ordered[(i + 2) % ordered.Count].Name} here"))
            .ToList();
        string message = ordered.Count == 1
            ? $"segment '{ordered[0].Name}' is defined through itself; a segment cannot be a condition of its own predicate"
            : $"segments {circle} are defined through each other in a circle, so none of them has a meaning; define one of them by attributes alone";
        _diagnostics.Add(Diagnostic.Create(CompilerDiagnostics.SegmentCycle, ReferenceTo(ordered[0], ordered[1 % ordered.Count]), related, null, message));
    }

    // ---- Helpers ----------------------------------------------------------------------

    internal T? Resolve<T>(SymbolTable<T> table, NameSyntax name)
        where T : Symbol
    {
        if (name.IsMissing)
        {
            return null;
        }

        if (table.TryGet(name.Text, out T? symbol))
        {
            _referenced.Add(symbol);
            return symbol;
        }

        ReportUnknown(table.Noun, name, table.Names);
        return null;
    }

    /// <summary>An attribute in a comparison or membership; a segment there gets a hint to write it alone.</summary>
    internal AttributeSymbol? ResolveAttribute(NameSyntax name)
    {
        if (!name.IsMissing && !_attributes.TryGet(name.Text, out _) && _segments.TryGet(name.Text, out SegmentSymbol? segment))
        {
            _referenced.Add(segment);
            Report(CompilerDiagnostics.PredicateTypeError, name.Span,
                $"'{segment.Name}' is a segment, which is a condition by itself: write '{segment.Name}' or 'not {segment.Name}' without comparing it");
            return null;
        }

        return Resolve(_attributes, name);
    }

    /// <summary>
    /// A bare name used as a condition: an attribute (the predicate binder checks it is a bool)
    /// or a segment. A name that is both is ambiguous and reported.
    /// </summary>
    internal Symbol? ResolveCondition(NameSyntax name)
    {
        if (name.IsMissing)
        {
            return null;
        }

        bool isAttribute = _attributes.TryGet(name.Text, out AttributeSymbol? attribute);
        bool isSegment = _segments.TryGet(name.Text, out SegmentSymbol? segment);
        if (isAttribute && isSegment)
        {
            Report(CompilerDiagnostics.PredicateTypeError, name.Span,
                $"'{name.Text}' names both an attribute (line {Where(attribute!)}) and a segment (line {Where(segment!)}); rename one of them");
            return null;
        }

        if (isSegment)
        {
            _referenced.Add(segment!);
            return segment;
        }

        if (isAttribute)
        {
            _referenced.Add(attribute!);
            return attribute;
        }

        ReportUnknown("bool attribute or segment", name, _attributes.Names.Concat(_segments.Names));
        return null;
    }

    private void ReportUnknown(string noun, NameSyntax name, IEnumerable<string> candidates)
    {
        string? suggestion = SpellingSuggestion.Closest(name.Text, candidates);
        string hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
        Report(CompilerDiagnostics.UnknownName, name.Span, noun, name.Text, hint);
    }

    internal void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, _tree.Source, span, arguments));

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, IEnumerable<RelatedLocation> related, params object?[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, new Location(_tree.Source, span), related, null, arguments));

    private RelatedLocation Related(Symbol symbol, string message) => Related(_symbolTrees[symbol], symbol.Declaration, message);

    private static RelatedLocation Related(SyntaxTree tree, SyntaxNode node, string message) => new(new Location(tree.Source, node.Span), message);

    private int LineOf(TextSpan span) => _tree.Source.GetLinePosition(span.Start).Line;

    private string Where(Symbol symbol) => Where(_symbolTrees[symbol], symbol.Span);

    /// <summary>"12" for a line of the file being bound, "12 of core.owner" for another file's.</summary>
    private string Where(SyntaxTree tree, TextSpan span)
    {
        string line = tree.Source.GetLinePosition(span.Start).Line.ToString(CultureInfo.InvariantCulture);
        return ReferenceEquals(tree, _tree) ? line : $"{line} of {Path.GetFileName(tree.FilePath)}";
    }
}

/// <summary>A symbol table whatever its kind, for names that several kinds share.</summary>
internal interface ISymbolTable
{
    Symbol? Find(string name);
}

/// <summary>Symbols of one kind by name, in declaration order.</summary>
internal sealed class SymbolTable<T>(string noun) : ISymbolTable
    where T : Symbol
{
    public Symbol? Find(string name) => _byName.GetValueOrDefault(name);

    private readonly Dictionary<string, T> _byName = new(StringComparer.Ordinal);
    private readonly ImmutableArray<T>.Builder _symbols = ImmutableArray.CreateBuilder<T>();
    private ImmutableArray<T> _snapshot = [];

    public string Noun { get; } = noun;

    public int Count => _symbols.Count;

    /// <summary>Every symbol in declaration order (copied once per change, not once per use).</summary>
    public ImmutableArray<T> Symbols => _snapshot.Length == _symbols.Count ? _snapshot : _snapshot = _symbols.ToImmutable();

    public IEnumerable<string> Names => _byName.Keys;

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? symbol) => _byName.TryGetValue(name, out symbol);

    /// <summary>The symbol this very declaration created (not an earlier duplicate).</summary>
    public T? Declared(NameSyntax name) =>
        !name.IsMissing && _byName.TryGetValue(name.Text, out T? symbol) && ReferenceEquals(symbol.Declaration, name) ? symbol : null;

    public void Add(T symbol)
    {
        _byName.Add(symbol.Name, symbol);
        _symbols.Add(symbol);
    }
}

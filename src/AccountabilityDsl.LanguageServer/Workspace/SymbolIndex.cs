using System.Collections.Immutable;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>A name in a file of the policy and the symbol it declares or refers to.</summary>
internal readonly record struct Occurrence(SourceText Source, TextSpan Span, Symbol Symbol, bool IsDeclaration);

/// <summary>
/// Every name of a bound policy that stands for a symbol, in source order: what hover,
/// definition, references, rename and semantic tokens look up by position. Built from the
/// syntax (which kind of name each position holds) and the bound policy (which symbol a name
/// is), so a name the binder could not resolve simply has no occurrence.
/// </summary>
internal sealed class SymbolIndex
{
    private readonly Dictionary<SourceText, ImmutableArray<Occurrence>> _byFile;

    private SymbolIndex(Dictionary<SourceText, ImmutableArray<Occurrence>> byFile) => _byFile = byFile;

    /// <summary>Every occurrence in every file of the policy.</summary>
    public IEnumerable<Occurrence> All => _byFile.Values.SelectMany(o => o);

    /// <summary>The occurrences in one file, in source order.</summary>
    public ImmutableArray<Occurrence> In(SourceText source) => _byFile.GetValueOrDefault(source, []);

    /// <summary>The occurrence touching the position (a caret just after a name counts).</summary>
    public Occurrence? At(SourceText source, int position)
    {
        ImmutableArray<Occurrence> occurrences = In(source);
        int low = 0, high = occurrences.Length - 1;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            TextSpan span = occurrences[mid].Span;
            if (position < span.Start)
            {
                high = mid - 1;
            }
            else if (position > span.End)
            {
                low = mid + 1;
            }
            else
            {
                return occurrences[mid];
            }
        }

        return null;
    }

    public IEnumerable<Occurrence> Of(Symbol symbol) => All.Where(o => ReferenceEquals(o.Symbol, symbol));

    public static SymbolIndex Build(BoundPolicy policy)
    {
        var builder = new Builder(policy);
        var byFile = new Dictionary<SourceText, ImmutableArray<Occurrence>>();
        foreach (SyntaxTree tree in policy.Trees)
        {
            builder.Found.Clear();
            builder.Source = tree.Source;
            foreach (DeclarationSyntax declaration in tree.Declarations)
            {
                builder.Visit(declaration);
            }

            byFile[tree.Source] = [.. builder.Found.OrderBy(o => o.Span.Start)];
        }

        return new SymbolIndex(byFile);
    }

    private sealed class Builder
    {
        private readonly Dictionary<(SourceText, TextSpan), Symbol> _declared = [];
        private readonly Dictionary<(SymbolKind, string), Symbol> _byName = [];

        public Builder(BoundPolicy policy)
        {
            IEnumerable<Symbol> all = policy.Attributes.Cast<Symbol>().Concat(policy.Segments).Concat(policy.Stages)
                .Concat(policy.Owners).Concat(policy.Channels).Concat(policy.Offers).Concat(policy.Cooldowns.Select(c => c.Event));
            foreach (Symbol symbol in all)
            {
                _declared.TryAdd((policy.SourceOf(symbol.Declaration), symbol.Span), symbol);
                _byName.TryAdd((symbol.Kind, symbol.Name), symbol);
            }
        }

        public List<Occurrence> Found { get; } = [];

        public SourceText Source { get; set; } = SourceText.From("");

        public void Visit(DeclarationSyntax declaration)
        {
            switch (declaration)
            {
                case AttributeDeclarationSyntax attribute:
                    Declares(attribute.Name);
                    break;
                case SegmentDeclarationSyntax segment:
                    Declares(segment.Name);
                    if (segment.Predicate is not null)
                    {
                        Predicate(segment.Predicate);
                    }

                    break;
                case StagesDeclarationSyntax stages:
                    foreach (NameSyntax stage in stages.Stages)
                    {
                        Declares(stage);
                    }

                    break;
                case OwnerDeclarationSyntax owner:
                    Declares(owner.Name);
                    if (owner.ReportsTo is { } superior)
                    {
                        Refers(superior, SymbolKind.Owner);
                    }

                    break;
                case FallbackDeclarationSyntax fallback:
                    Refers(fallback.Owner, SymbolKind.Owner);
                    break;
                case ChannelDeclarationSyntax channel:
                    Declares(channel.Name);
                    break;
                case AssignmentDeclarationSyntax assignment:
                    Refers(assignment.Owner, SymbolKind.Owner);
                    Segments(assignment.Segments);
                    Stages(assignment.Stages);
                    Refers(assignment.Channels, SymbolKind.Channel);
                    break;
                case OfferDeclarationSyntax offer:
                    Declares(offer.Name);
                    Refers(offer.Sponsor, SymbolKind.Owner);
                    Segments(offer.Segments);
                    if (offer.Stages is not null)
                    {
                        Stages(offer.Stages);
                    }

                    Refers(offer.Channels, SymbolKind.Channel);
                    Refers(offer.ApprovedBy, SymbolKind.Owner);
                    break;
                case LimitDeclarationSyntax { Scope.Name: { } target }:
                    if (!Refers(target, SymbolKind.Channel))
                    {
                        Refers(target, SymbolKind.Offer);
                    }

                    break;
                case CooldownDeclarationSyntax cooldown:
                    if (_declared.TryGetValue((Source, cooldown.Event.Span), out Symbol? first))
                    {
                        Found.Add(new Occurrence(Source, cooldown.Event.Span, first, true));
                    }
                    else
                    {
                        Refers(cooldown.Event, SymbolKind.Event);
                    }

                    break;
            }
        }

        private void Declares(NameSyntax name)
        {
            if (!name.IsMissing && _declared.TryGetValue((Source, name.Span), out Symbol? symbol))
            {
                Found.Add(new Occurrence(Source, name.Span, symbol, true));
            }
        }

        private bool Refers(NameSyntax name, SymbolKind kind)
        {
            if (!name.IsMissing && _byName.TryGetValue((kind, name.Text), out Symbol? symbol))
            {
                Found.Add(new Occurrence(Source, name.Span, symbol, false));
                return true;
            }

            return false;
        }

        private void Refers(ImmutableArray<NameSyntax> names, SymbolKind kind)
        {
            foreach (NameSyntax name in names)
            {
                Refers(name, kind);
            }
        }

        private void Segments(SegmentListSyntax list) => Refers(list.Names, SymbolKind.Segment);

        private void Stages(StageListSyntax list)
        {
            foreach (StageRangeSyntax range in list.Ranges)
            {
                Refers(range.From, SymbolKind.Stage);
                if (range.To is not null)
                {
                    Refers(range.To, SymbolKind.Stage);
                }
            }
        }

        private void Predicate(PredicateSyntax predicate)
        {
            var pending = new Stack<PredicateSyntax>();
            pending.Push(predicate);
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case ComparisonPredicateSyntax comparison:
                        Refers(comparison.Attribute, SymbolKind.Attribute);
                        break;
                    case MembershipPredicateSyntax membership:
                        Refers(membership.Attribute, SymbolKind.Attribute);
                        break;
                    case AttributePredicateSyntax attribute:
                        // A bare name is a bool attribute, or (language v2) a segment.
                        if (!Refers(attribute.Attribute, SymbolKind.Attribute))
                        {
                            Refers(attribute.Attribute, SymbolKind.Segment);
                        }

                        break;
                    case NotPredicateSyntax not:
                        pending.Push(not.Operand);
                        break;
                    case ParenthesizedPredicateSyntax parenthesized:
                        pending.Push(parenthesized.Inner);
                        break;
                    case LogicalPredicateSyntax logical:
                        foreach (PredicateSyntax operand in logical.Operands)
                        {
                            pending.Push(operand);
                        }

                        break;
                }
            }
        }
    }
}

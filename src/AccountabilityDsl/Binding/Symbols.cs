using System.Collections.Immutable;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Binding;

public enum SymbolKind { Attribute, Segment, Stage, Owner, Channel, Offer, Event, Group }

/// <summary>A declared name. Symbols compare by reference: one declaration, one symbol.</summary>
public abstract class Symbol(string name, NameSyntax declaration)
{
    public string Name { get; } = name;

    /// <summary>The name as written in the declaration, for locations.</summary>
    public NameSyntax Declaration { get; } = declaration;

    public abstract SymbolKind Kind { get; }

    public TextSpan Span => Declaration.Span;

    public override string ToString() => Name;
}

public sealed class AttributeSymbol(string name, NameSyntax declaration, AttributeKind type, ImmutableArray<string> members, int ordinal)
    : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Attribute;

    public AttributeKind Type { get; } = type;

    /// <summary>Enum members in declaration order; empty for other types.</summary>
    public ImmutableArray<string> Members { get; } = members;

    /// <summary>Position among the policy's attributes (witnesses list attributes in this order).</summary>
    public int Ordinal { get; } = ordinal;

    public bool IsNumeric => Type is AttributeKind.Int or AttributeKind.Decimal;

    public string TypeDisplay => Type switch
    {
        AttributeKind.Int => "int",
        AttributeKind.Decimal => "decimal",
        AttributeKind.Bool => "bool",
        _ => "enum",
    };
}

public sealed class SegmentSymbol(string name, NameSyntax declaration, SegmentDeclarationSyntax syntax, int ordinal) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Segment;

    public SegmentDeclarationSyntax Syntax { get; } = syntax;

    public string? Documentation => Syntax.Documentation?.Value;

    public int Ordinal { get; } = ordinal;

    /// <summary>Segments without <c>where</c> are assigned by the host and partition the customers.</summary>
    public bool IsAssigned => Syntax.Predicate is null;

    /// <summary>The bound predicate; null for assigned segments and for predicates with errors.</summary>
    public BoundPredicate? Predicate { get; internal set; }

    public bool PredicateHasErrors { get; internal set; }

    /// <summary>The segments this segment's predicate names as conditions, each once, in source order.</summary>
    public ImmutableArray<SegmentSymbol> ReferencedSegments { get; internal set; } = [];
}

public sealed class StageSymbol(string name, NameSyntax declaration, int ordinal) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Stage;

    /// <summary>Position in the lifecycle, from 0.</summary>
    public int Ordinal { get; } = ordinal;
}

public sealed class OwnerSymbol(string name, NameSyntax declaration, OwnerDeclarationSyntax syntax) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Owner;

    public OwnerDeclarationSyntax Syntax { get; } = syntax;

    public string? Documentation => Syntax.Documentation?.Value;

    /// <summary>The owner named by <c>reports to</c>, if any.</summary>
    public OwnerSymbol? ReportsTo { get; internal set; }

    /// <summary>
    /// Everyone this owner reports to, directly or not, nearest first. Stops before repeating an
    /// owner, so a <c>reports to</c> cycle (OWN0107) still gives a finite chain.
    /// </summary>
    public IEnumerable<OwnerSymbol> Superiors
    {
        get
        {
            var seen = new HashSet<OwnerSymbol> { this };
            for (OwnerSymbol? superior = ReportsTo; superior is not null && seen.Add(superior); superior = superior.ReportsTo)
            {
                yield return superior;
            }
        }
    }
}

public sealed record ChannelCapacity(int Amount, PeriodUnit Period);

public sealed class ChannelSymbol(string name, NameSyntax declaration, ChannelDeclarationSyntax syntax) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Channel;

    public ChannelDeclarationSyntax Syntax { get; } = syntax;

    public ChannelCapacity? Capacity => Syntax.Capacity is { } c ? new ChannelCapacity(c.Amount.AsCount, c.Period.Unit) : null;

    /// <summary><c>requires consent</c>: the host must pass the customer's consent for the channel.</summary>
    public bool RequiresConsent => Syntax.RequiresConsent;
}

/// <summary><c>group G: …</c>: a named set of offers; limits and <c>never</c> rules name it like an offer.</summary>
public sealed class GroupSymbol(string name, NameSyntax declaration, GroupDeclarationSyntax syntax) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Group;

    public GroupDeclarationSyntax Syntax { get; } = syntax;

    /// <summary>Every offer in the group, nested groups flattened, in declaration order of the offers.</summary>
    public ImmutableArray<OfferSymbol> Offers { get; internal set; } = [];
}

public sealed class EventSymbol(string name, NameSyntax declaration) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Event;
}

/// <summary>Which segments a declaration covers: all of them (<c>*</c>) or the listed ones.</summary>
public sealed record SegmentSet(bool IsAll, ImmutableArray<SegmentSymbol> Listed)
{
    public IEnumerable<SegmentSymbol> Resolve(ImmutableArray<SegmentSymbol> all) => IsAll ? all : Listed;
}

public sealed class OfferSymbol(string name, NameSyntax declaration, OfferDeclarationSyntax syntax, int ordinal) : Symbol(name, declaration)
{
    public override SymbolKind Kind => SymbolKind.Offer;

    public OfferDeclarationSyntax Syntax { get; } = syntax;

    /// <summary>Declaration order, the last tie-breaker in arbitration.</summary>
    public int Ordinal { get; } = ordinal;

    public OwnerSymbol? Sponsor { get; internal set; }

    public SegmentSet Segments { get; internal set; } = new(false, []);

    /// <summary>The stages the offer runs at; every stage when the offer names none.</summary>
    public ImmutableArray<StageSymbol> Stages { get; internal set; } = [];

    public ImmutableArray<ChannelSymbol> Channels { get; internal set; } = [];

    public ImmutableArray<OwnerSymbol> ApprovedBy { get; internal set; } = [];

    public int? MinCell => Syntax.MinCell?.AsCount;

    public int Priority => Syntax.Priority?.AsCount ?? 0;

    /// <summary>Whether the owner sponsors the offer or is in its <c>approved by</c> list.</summary>
    public bool IsSponsoredOrApprovedBy(OwnerSymbol owner) => Sponsor == owner || ApprovedBy.Contains(owner);

    /// <summary>
    /// Who approves the offer for customers of <paramref name="owner"/>: the owner itself when it
    /// sponsors or approves the offer, otherwise the nearest owner up its reporting line who
    /// does; null when nobody in that line does (OWN0302).
    /// </summary>
    public OwnerSymbol? ApproverFor(OwnerSymbol owner) =>
        IsSponsoredOrApprovedBy(owner) ? owner : owner.Superiors.FirstOrDefault(IsSponsoredOrApprovedBy);
}

/// <summary>One <c>accountable|responsible|consulted|informed</c> declaration, resolved.</summary>
public sealed class AssignmentSymbol(AssignmentDeclarationSyntax syntax, int ordinal)
{
    public AssignmentDeclarationSyntax Syntax { get; } = syntax;

    public RaciRole Role => Syntax.Role;

    public int Ordinal { get; } = ordinal;

    public OwnerSymbol? Owner { get; internal set; }

    public SegmentSet Segments { get; internal set; } = new(false, []);

    public ImmutableArray<StageSymbol> Stages { get; internal set; } = [];

    public ImmutableArray<ChannelSymbol> Channels { get; internal set; } = [];

    public override string ToString() => $"{Role.ToString().ToLowerInvariant()} {Owner?.Name}";
}

public enum LimitScope { Offers, Contacts, Channel, Offer, Group }

public sealed record TimeWindow(int Count, PeriodUnit Unit, bool Calendar)
{
    /// <summary>An upper bound of the window's length in days, to compare windows of different units.</summary>
    public double ApproximateDays => Count * Unit switch
    {
        PeriodUnit.Day => 1.0,
        PeriodUnit.Week => 7.0,
        PeriodUnit.Month => 30.436875,
        _ => 365.2425,
    };

    public override string ToString()
    {
        return $"{Count} {SyntaxFacts.Text(Unit, plural: Count != 1)}{(Calendar ? " calendar" : "")}";
    }
}

public sealed class LimitSymbol(LimitDeclarationSyntax syntax)
{
    public LimitDeclarationSyntax Syntax { get; } = syntax;

    public LimitScope Scope { get; internal set; }

    /// <summary>The channel or offer named by the scope, when it names one.</summary>
    public Symbol? Target { get; internal set; }

    public int MaxCount => Syntax.MaxCount.AsCount;

    public TimeWindow Window => new(Syntax.WindowCount.AsCount, Syntax.WindowUnit.Unit, Syntax.Calendar);

    public string ScopeDisplay => Syntax.Scope.DisplayText;

    public bool IsResolved => Scope is LimitScope.Offers or LimitScope.Contacts || Target is not null;

    /// <summary><c>per household</c>: counts the contacts of every customer sharing the household id.</summary>
    public bool PerHousehold => Syntax.PerHousehold;

    /// <summary><c>in Seg, …</c>: only contacts with customers in one of these segments count; null when the limit has no <c>in</c>.</summary>
    public ImmutableArray<SegmentSymbol>? InSegments { get; internal set; }

    /// <summary><c>at stages</c>: only contacts with customers at these stages count; null when the limit has no <c>at</c>.</summary>
    public ImmutableArray<StageSymbol>? AtStages { get; internal set; }

    public bool IsScoped => InSegments is not null || AtStages is not null;

    /// <summary>The offers the scope counts, for <c>Offer</c> and <c>Group</c> scopes; empty otherwise.</summary>
    public ImmutableArray<OfferSymbol> TargetOffers => Target switch
    {
        OfferSymbol offer => [offer],
        GroupSymbol group => group.Offers,
        _ => [],
    };
}

/// <summary>A <c>never A with|after B within N days</c> rule, resolved.</summary>
public sealed class NeverSymbol(NeverDeclarationSyntax syntax)
{
    public NeverDeclarationSyntax Syntax { get; } = syntax;

    /// <summary>The offer or group written first: the one refused (for <c>after</c>).</summary>
    public Symbol? First { get; internal set; }

    /// <summary>The offer or group written second: the earlier contact (for <c>after</c>).</summary>
    public Symbol? Second { get; internal set; }

    public bool IsAfter => Syntax.IsAfter;

    public TimeWindow Window => new(Syntax.WindowCount.AsCount, Syntax.WindowUnit.Unit, false);

    public bool IsResolved => First is not null && Second is not null;

    public static ImmutableArray<OfferSymbol> OffersOf(Symbol? symbol) => symbol switch
    {
        OfferSymbol offer => [offer],
        GroupSymbol group => group.Offers,
        _ => [],
    };

    public ImmutableArray<OfferSymbol> FirstOffers => OffersOf(First);

    public ImmutableArray<OfferSymbol> SecondOffers => OffersOf(Second);
}

/// <summary>One <c>quiet</c> declaration, resolved: local minute ranges and whole days.</summary>
public sealed class QuietSymbol(QuietDeclarationSyntax syntax)
{
    public QuietDeclarationSyntax Syntax { get; } = syntax;

    public ChannelSymbol? Channel { get; internal set; }

    /// <summary>Quiet hours as [from, to) minutes after midnight; to &lt; from crosses midnight.</summary>
    public ImmutableArray<(int From, int To)> Hours { get; internal set; } = [];

    /// <summary>Whole quiet days.</summary>
    public ImmutableArray<DayOfWeek> Days { get; internal set; } = [];

    /// <summary>True when the channel is quiet at minute <paramref name="minute"/> (0..1439) of <paramref name="day"/>.</summary>
    public bool IsQuietAt(DayOfWeek day, int minute) =>
        Days.Contains(day) || Hours.Any(h => h.From < h.To ? minute >= h.From && minute < h.To : minute >= h.From || minute < h.To);
}

public sealed class CooldownSymbol(CooldownDeclarationSyntax syntax, EventSymbol @event)
{
    public CooldownDeclarationSyntax Syntax { get; } = syntax;

    public EventSymbol Event { get; } = @event;

    public int Duration => Syntax.Duration.AsCount;

    public PeriodUnit Unit => Syntax.Unit.Unit;
}

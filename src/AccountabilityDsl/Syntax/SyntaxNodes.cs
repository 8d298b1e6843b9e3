using System.Collections.Immutable;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

// The immutable syntax model. Every node knows its exact span in the source. Parts that the
// parser could not find (after a syntax error) are "missing" names or MissingPredicateSyntax,
// never null, so that later phases need no null checks to stay quiet about broken code.

// Public properties survive trimming on every node type: SyntaxWalk finds children through them.
[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)]
public abstract record SyntaxNode(TextSpan Span);

/// <summary>An identifier as written. A missing one (recovered from a syntax error) has empty text.</summary>
public sealed record NameSyntax(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public bool IsMissing => Text.Length == 0;

    public static NameSyntax Missing(int position) => new("", new TextSpan(position, 0));

    public override string ToString() => Text;
}

public sealed record StringLiteralSyntax(string Value, TextSpan Span) : SyntaxNode(Span);

public abstract record LiteralSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record NumberLiteralSyntax(decimal Value, bool IsInteger, string Text, TextSpan Span) : LiteralSyntax(Span)
{
    /// <summary>The value as a count (capacities, caps, windows); the grammar only lets whole numbers in there.</summary>
    public int AsCount => Value > int.MaxValue ? int.MaxValue : (int)Value;

    public static NumberLiteralSyntax Missing(int position) => new(0, true, "", new TextSpan(position, 0));

    public bool IsMissing => Text.Length == 0;
}

public sealed record BoolLiteralSyntax(bool Value, TextSpan Span) : LiteralSyntax(Span);

/// <summary>An identifier in value position: an enum member such as <c>North</c>.</summary>
public sealed record MemberLiteralSyntax(NameSyntax Name) : LiteralSyntax(Name.Span);

public sealed record CommentSyntax(string Text, TextSpan Span)
{
    public bool IsBlock => Text.StartsWith("/*", StringComparison.Ordinal);
}

// ---- Predicates -------------------------------------------------------------------------

public abstract record PredicateSyntax(TextSpan Span) : SyntaxNode(Span);

public enum ComparisonOperator { LessThan, LessThanOrEqual, GreaterThan, GreaterThanOrEqual, Equal, NotEqual }

public enum LogicalOperator { And, Or }

public sealed record ComparisonPredicateSyntax(NameSyntax Attribute, ComparisonOperator Operator, TextSpan OperatorSpan, LiteralSyntax Value, TextSpan Span)
    : PredicateSyntax(Span);

public sealed record MembershipPredicateSyntax(NameSyntax Attribute, ImmutableArray<LiteralSyntax> Members, TextSpan Span) : PredicateSyntax(Span);

/// <summary>
/// A bare name used as a condition: a bool attribute (<c>where owns_boat</c>) or a segment
/// (<c>where not KeyAccounts</c>). Both read the same, so the binder decides which it is.
/// </summary>
public sealed record AttributePredicateSyntax(NameSyntax Attribute) : PredicateSyntax(Attribute.Span);

public sealed record NotPredicateSyntax(PredicateSyntax Operand, TextSpan Span) : PredicateSyntax(Span);

/// <summary>
/// <c>a and b and c</c> as one node with three operands: chains are flattened so that no later
/// phase recurses once per operand (a generated policy can chain thousands of conditions).
/// </summary>
public sealed record LogicalPredicateSyntax(LogicalOperator Operator, ImmutableArray<PredicateSyntax> Operands, TextSpan Span) : PredicateSyntax(Span);

public sealed record ParenthesizedPredicateSyntax(PredicateSyntax Inner, TextSpan Span) : PredicateSyntax(Span);

/// <summary>Where a predicate was required but a syntax error left none.</summary>
public sealed record MissingPredicateSyntax(TextSpan Span) : PredicateSyntax(Span);

// ---- Declarations -----------------------------------------------------------------------

public abstract record DeclarationSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record PolicyHeaderSyntax(NameSyntax Name, ImmutableArray<NameSyntax> Namespace, TextSpan Span) : DeclarationSyntax(Span)
{
    public string? NamespaceText => Namespace.IsDefaultOrEmpty ? null : string.Join('.', Namespace.Select(n => n.Text));
}

public enum AttributeKind { Int, Decimal, Bool, Enum }

public sealed record AttributeTypeSyntax(AttributeKind Kind, ImmutableArray<NameSyntax> Members, TextSpan Span) : SyntaxNode(Span);

public sealed record AttributeDeclarationSyntax(NameSyntax Name, AttributeTypeSyntax Type, TextSpan Span) : DeclarationSyntax(Span);

public sealed record SegmentDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Documentation, PredicateSyntax? Predicate, TextSpan Span) : DeclarationSyntax(Span);

public sealed record StagesDeclarationSyntax(ImmutableArray<NameSyntax> Stages, TextSpan Span) : DeclarationSyntax(Span);

/// <summary><c>owner Name ["doc"] [reports to Superior]</c>.</summary>
public sealed record OwnerDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Documentation, NameSyntax? ReportsTo, TextSpan Span) : DeclarationSyntax(Span);

/// <summary><c>fallback O</c>: O is accountable for every cell no <c>accountable</c> line claims.</summary>
public sealed record FallbackDeclarationSyntax(NameSyntax Owner, TextSpan Span) : DeclarationSyntax(Span);

public enum PeriodUnit { Day, Week, Month, Year }

/// <summary>A time unit as written; <see cref="Plural"/> only matters for formatting.</summary>
public sealed record PeriodSyntax(PeriodUnit Unit, bool Plural, TextSpan Span) : SyntaxNode(Span);

public sealed record CapacitySyntax(NumberLiteralSyntax Amount, PeriodSyntax Period, TextSpan Span) : SyntaxNode(Span);

public sealed record ChannelDeclarationSyntax(NameSyntax Name, CapacitySyntax? Capacity, TextSpan Span) : DeclarationSyntax(Span)
{
    /// <summary><c>requires consent</c>: a contact on the channel needs the customer's consent for it.</summary>
    public bool RequiresConsent { get; init; }
}

/// <summary>A segment list: <c>*</c> or names.</summary>
public sealed record SegmentListSyntax(bool IsWildcard, ImmutableArray<NameSyntax> Names, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>S</c> or the inclusive range <c>S1..S2</c>.</summary>
public sealed record StageRangeSyntax(NameSyntax From, NameSyntax? To, TextSpan Span) : SyntaxNode(Span);

public sealed record StageListSyntax(bool IsWildcard, ImmutableArray<StageRangeSyntax> Ranges, TextSpan Span) : SyntaxNode(Span);

public enum RaciRole { Accountable, Responsible, Consulted, Informed }

/// <summary><c>accountable|responsible|consulted|informed O for segs at stages [via channels]</c>.</summary>
public sealed record AssignmentDeclarationSyntax(
    RaciRole Role,
    NameSyntax Owner,
    SegmentListSyntax Segments,
    StageListSyntax Stages,
    ImmutableArray<NameSyntax> Channels,
    TextSpan Span) : DeclarationSyntax(Span);

public sealed record OfferDeclarationSyntax(
    NameSyntax Name,
    NameSyntax Sponsor,
    SegmentListSyntax Segments,
    StageListSyntax? Stages,
    ImmutableArray<NameSyntax> Channels,
    NumberLiteralSyntax? MinCell,
    NumberLiteralSyntax? Priority,
    ImmutableArray<NameSyntax> ApprovedBy,
    TextSpan Span) : DeclarationSyntax(Span);

public enum LimitScopeKind { Offers, Contacts, Named }

/// <summary><c>offers</c>, <c>contacts</c>, or the name of a channel or offer.</summary>
public sealed record LimitScopeSyntax(LimitScopeKind Kind, NameSyntax? Name, TextSpan Span) : SyntaxNode(Span)
{
    public string DisplayText => Kind switch
    {
        LimitScopeKind.Offers => "offers",
        LimitScopeKind.Contacts => "contacts",
        _ => Name?.Text ?? "",
    };
}

public sealed record LimitDeclarationSyntax(
    LimitScopeSyntax Scope,
    NumberLiteralSyntax MaxCount,
    NumberLiteralSyntax WindowCount,
    PeriodSyntax WindowUnit,
    bool Calendar,
    TextSpan Span) : DeclarationSyntax(Span)
{
    /// <summary><c>per household</c> instead of <c>per customer</c>.</summary>
    public bool PerHousehold { get; init; }

    /// <summary><c>in Seg, …</c>: the limit counts only contacts with customers in these segments; null when unscoped.</summary>
    public ImmutableArray<NameSyntax>? Segments { get; init; }

    /// <summary><c>at stages</c>: the limit counts only contacts with customers at these stages; null when unscoped.</summary>
    public StageListSyntax? Stages { get; init; }
}

/// <summary><c>group G: A, B, …</c>: a named set of offers (members may be other groups).</summary>
public sealed record GroupDeclarationSyntax(NameSyntax Name, ImmutableArray<NameSyntax> Members, TextSpan Span) : DeclarationSyntax(Span);

/// <summary>
/// <c>never A with B within N days</c> (<see cref="IsAfter"/> false: either order) or
/// <c>never A after B within N days</c> (A is refused within N days after B).
/// </summary>
public sealed record NeverDeclarationSyntax(
    NameSyntax First,
    bool IsAfter,
    NameSyntax Second,
    NumberLiteralSyntax WindowCount,
    PeriodSyntax WindowUnit,
    TextSpan Span) : DeclarationSyntax(Span);

/// <summary>A local time of day as written (<c>09:00</c>); <see cref="Minutes"/> after midnight, 1440 for <c>24:00</c>.</summary>
public sealed record TimeOfDaySyntax(int Minutes, string Text, TextSpan Span) : SyntaxNode(Span)
{
    public bool IsMissing => Text.Length == 0;
}

public abstract record QuietItemSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>20:00..09:00</c>: from (inclusive) to (exclusive); a range whose end is earlier crosses midnight.</summary>
public sealed record QuietHoursSyntax(TimeOfDaySyntax From, TimeOfDaySyntax To, TextSpan Span) : QuietItemSyntax(Span);

/// <summary>A whole quiet day: <c>Sunday</c>.</summary>
public sealed record QuietDaySyntax(NameSyntax Day) : QuietItemSyntax(Day.Span);

/// <summary><c>quiet C 20:00..09:00, Sunday</c>.</summary>
public sealed record QuietDeclarationSyntax(NameSyntax Channel, ImmutableArray<QuietItemSyntax> Items, TextSpan Span) : DeclarationSyntax(Span);

public sealed record CooldownDeclarationSyntax(NumberLiteralSyntax Duration, PeriodSyntax Unit, NameSyntax Event, TextSpan Span) : DeclarationSyntax(Span);

public sealed record ExemptDeclarationSyntax(NameSyntax Category, TextSpan Span) : DeclarationSyntax(Span);

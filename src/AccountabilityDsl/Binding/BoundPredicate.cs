using System.Collections.Immutable;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Binding;

// Predicates after binding and type checking, normalised so that analysis sees few shapes:
// enum and bool equality become memberships, `a != v` becomes `not (a == v)` for discrete
// attributes, and every comparison of a numeric attribute is against a number.

public abstract record BoundPredicate(PredicateSyntax Syntax);

/// <summary><c>attribute op number</c> for an int or decimal attribute.</summary>
public sealed record BoundComparison(AttributeSymbol Attribute, ComparisonOperator Operator, decimal Value, PredicateSyntax Syntax) : BoundPredicate(Syntax);

/// <summary>
/// The attribute's value is one of <see cref="Values"/>: enum member ordinals, or 0/1 for
/// false/true, or whole numbers for an int attribute written with <c>in { ... }</c>.
/// </summary>
public sealed record BoundMembership(AttributeSymbol Attribute, ImmutableArray<decimal> Values, PredicateSyntax Syntax) : BoundPredicate(Syntax);

public sealed record BoundNot(BoundPredicate Operand, PredicateSyntax Syntax) : BoundPredicate(Syntax);

public sealed record BoundLogical(LogicalOperator Operator, ImmutableArray<BoundPredicate> Operands, PredicateSyntax Syntax) : BoundPredicate(Syntax);

/// <summary>
/// A segment name used as a condition: the customer is in <see cref="Segment"/>. For an assigned
/// segment that is "the host assigned the customer to it"; for a predicate segment, its predicate.
/// </summary>
public sealed record BoundSegmentReference(SegmentSymbol Segment, PredicateSyntax Syntax) : BoundPredicate(Syntax);

using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Binding;

/// <summary>
/// Binds and type-checks a segment's <c>where</c> predicate (OWN0002 for unknown attributes,
/// OWN0004 for type errors). Returns null when the predicate cannot be bound.
/// </summary>
internal sealed class PredicateBinder(Binder binder)
{
    public BoundPredicate? Bind(PredicateSyntax predicate) => predicate switch
    {
        ParenthesizedPredicateSyntax p => Bind(p.Inner),
        NotPredicateSyntax n => Bind(n.Operand) is { } operand ? new BoundNot(operand, n) : null,
        LogicalPredicateSyntax l => BindLogical(l),
        ComparisonPredicateSyntax c => BindComparison(c),
        MembershipPredicateSyntax m => BindMembership(m),
        AttributePredicateSyntax a => BindBareName(a),
        _ => null,
    };

    private BoundPredicate? BindLogical(LogicalPredicateSyntax logical)
    {
        var operands = ImmutableArray.CreateBuilder<BoundPredicate>(logical.Operands.Length);
        bool ok = true;
        foreach (PredicateSyntax operand in logical.Operands)
        {
            // Bind every operand, even after a failure, so that every mistake is reported.
            if (Bind(operand) is { } bound)
            {
                operands.Add(bound);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? new BoundLogical(logical.Operator, operands.MoveToImmutable(), logical) : null;
    }

    /// <summary>A bare name: membership of a segment, or a bool attribute being true.</summary>
    private BoundPredicate? BindBareName(AttributePredicateSyntax syntax)
    {
        switch (binder.ResolveCondition(syntax.Attribute))
        {
            case SegmentSymbol segment:
                return new BoundSegmentReference(segment, syntax);
            case not AttributeSymbol:
                return null;
        }

        var attribute = (AttributeSymbol)binder.ResolveAttribute(syntax.Attribute)!;

        if (attribute.Type != AttributeKind.Bool)
        {
            TypeError(syntax, $"'{attribute.Name}' is {Article(attribute)} {attribute.TypeDisplay} attribute; only a bool attribute can stand alone as a condition (compare it, e.g. '{attribute.Name} {Example(attribute)}')");
            return null;
        }

        return new BoundMembership(attribute, [1m], syntax);
    }

    private BoundPredicate? BindComparison(ComparisonPredicateSyntax syntax)
    {
        if (binder.ResolveAttribute(syntax.Attribute) is not { } attribute)
        {
            return null;
        }

        if (syntax.Value is MemberLiteralSyntax { Name.IsMissing: true } or NumberLiteralSyntax { IsMissing: true })
        {
            return null;
        }

        if (attribute.IsNumeric)
        {
            return CheckNumber(attribute, syntax.Value) is { } value
                ? new BoundComparison(attribute, syntax.Operator, value, syntax)
                : null;
        }

        if (syntax.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
        {
            TypeError(syntax, $"'{attribute.Name}' is {Article(attribute)} {attribute.TypeDisplay} attribute, which has no order; use '==', '!=' or 'in'");
            return null;
        }

        if (CheckDiscrete(attribute, syntax.Value) is not { } member)
        {
            return null;
        }

        var equal = new BoundMembership(attribute, [member], syntax);
        return syntax.Operator == ComparisonOperator.Equal ? equal : new BoundNot(equal, syntax);
    }

    private BoundPredicate? BindMembership(MembershipPredicateSyntax syntax)
    {
        if (binder.ResolveAttribute(syntax.Attribute) is not { } attribute)
        {
            return null;
        }

        if (attribute.Type == AttributeKind.Decimal)
        {
            TypeError(syntax, $"'{attribute.Name}' is a decimal attribute; 'in {{ ... }}' needs an enum, bool or int attribute (use a range such as '{attribute.Name} >= 1 and {attribute.Name} < 5')");
            return null;
        }

        var values = new SortedSet<decimal>();
        bool ok = true;
        foreach (LiteralSyntax literal in syntax.Members)
        {
            decimal? value = attribute.IsNumeric ? CheckNumber(attribute, literal) : CheckDiscrete(attribute, literal);
            if (value is { } v)
            {
                values.Add(v);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? new BoundMembership(attribute, [.. values], syntax) : null;
    }

    private decimal? CheckNumber(AttributeSymbol attribute, LiteralSyntax literal)
    {
        if (literal is not NumberLiteralSyntax number)
        {
            TypeError(literal, $"'{attribute.Name}' is {Article(attribute)} {attribute.TypeDisplay} attribute; compare it with a number, not {Describe(literal)}");
            return null;
        }

        if (attribute.Type == AttributeKind.Int && !number.IsInteger)
        {
            TypeError(literal, $"'{attribute.Name}' is an int attribute; compare it with a whole number, not {number.Text}");
            return null;
        }

        return number.Value;
    }

    private decimal? CheckDiscrete(AttributeSymbol attribute, LiteralSyntax literal)
    {
        if (attribute.Type == AttributeKind.Bool)
        {
            if (literal is BoolLiteralSyntax b)
            {
                return b.Value ? 1m : 0m;
            }

            TypeError(literal, $"'{attribute.Name}' is a bool attribute; compare it with true or false, not {Describe(literal)}");
            return null;
        }

        if (literal is not MemberLiteralSyntax member)
        {
            TypeError(literal, $"'{attribute.Name}' is an enum attribute; compare it with one of its members ({string.Join(", ", attribute.Members)}), not {Describe(literal)}");
            return null;
        }

        if (member.Name.IsMissing)
        {
            return null;
        }

        int index = attribute.Members.IndexOf(member.Name.Text);
        if (index < 0)
        {
            string? suggestion = SpellingSuggestion.Closest(member.Name.Text, attribute.Members);
            string hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
            TypeError(literal, $"'{member.Name.Text}' is not a member of enum attribute '{attribute.Name}' ({string.Join(", ", attribute.Members)}){hint}");
            return null;
        }

        return index;
    }

    private void TypeError(SyntaxNode node, string message) => binder.Report(CompilerDiagnostics.PredicateTypeError, node.Span, message);

    private static string Describe(LiteralSyntax literal) => literal switch
    {
        NumberLiteralSyntax n => $"the number {n.Text}",
        BoolLiteralSyntax b => b.Value ? "true" : "false",
        MemberLiteralSyntax m => $"the name '{m.Name.Text}'",
        _ => "this value",
    };

    private static string Article(AttributeSymbol attribute) => attribute.Type == AttributeKind.Int || attribute.Type == AttributeKind.Enum ? "an" : "a";

    private static string Example(AttributeSymbol attribute) => attribute.Type switch
    {
        AttributeKind.Enum when attribute.Members.Length > 0 => $"== {attribute.Members[0]}",
        _ => "> 0",
    };
}

using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using static AccountabilityDsl.Emit.CSharpText;

namespace AccountabilityDsl.Emit;

/// <summary>
/// Writes the generated class's predicates, the code that differs from policy to policy and so
/// cannot live in the runtime library: <c>IsIn(segment, customer)</c>, each segment's <c>where</c>
/// predicate compiled to C# (same semantics as the checker's <c>PredicateEvaluator</c>), and
/// <c>Targets(offer, customer, stage)</c>, each offer's stages and segments.
/// </summary>
internal sealed class PredicateEmitter(BoundPolicy policy, GeneratedNames names, CodeWriter code)
{
    private const string Sys = CodeWriter.Sys;

    public void WriteMembership()
    {
        code.Line("");
        code.Doc("True when the customer is in the segment: its where predicate holds, or, for an assigned segment, the host assigned the customer to it.");
        code.Line("public static bool IsIn(Segment segment, Customer customer)");
        code.Line("{");
        code.Line($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
        code.Line("return segment switch");
        code.Line("{");
        foreach (SegmentSymbol segment in policy.Segments)
        {
            string condition = segment.IsAssigned
                ? $"customer.AssignedSegment == {names.Segment(segment)}"
                : Predicate(segment.Predicate!, top: true);
            code.Line($"{names.Segment(segment)} => {condition},");
        }

        code.Line($"_ => throw new {Sys}ArgumentOutOfRangeException(\"segment\", segment, \"Not a segment the policy declares.\"),");
        code.Line("};");
        code.Line("}");
    }

    public void WriteTargeting()
    {
        code.Line("");
        code.Doc("True when the offer targets the customer at the stage: it runs at that stage and the customer is in one of its segments.");
        code.Line("public static bool Targets(Offer offer, Customer customer, Stage stage)");
        code.Line("{");
        code.Line($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
        code.Line("if ((uint)stage >= (uint)StageCount)");
        code.Line("{");
        code.Line($"throw new {Sys}ArgumentOutOfRangeException(\"stage\", stage, \"Not a value the policy declares.\");");
        code.Line("}");
        code.Line("return offer switch");
        code.Line("{");
        foreach (OfferSymbol offer in policy.Offers)
        {
            string stages = offer.Stages.Length == policy.Stages.Length
                ? "true"
                : offer.Stages.IsEmpty ? "false" : "stage is " + string.Join(" or ", offer.Stages.Select(names.Stage));
            string segments = offer.Segments.IsAll
                ? $"{GeneratedNames.ModelField}.IsInAnySegment(customer)"
                : offer.Segments.Listed.IsEmpty ? "false" : string.Join(" || ", offer.Segments.Listed.Distinct().Select(s => $"IsIn({names.Segment(s)}, customer)"));
            code.Line($"{names.Offer(offer)} => ({stages}) && ({segments}),");
        }

        code.Line($"_ => throw new {Sys}ArgumentOutOfRangeException(\"offer\", offer, \"Not an offer the policy declares.\"),");
        code.Line("};");
        code.Line("}");
    }

    private string Property(AttributeSymbol attribute) => "customer." + Identifier(names.Property(attribute));

    private string Predicate(BoundPredicate predicate, bool top = false)
    {
        string text = predicate switch
        {
            BoundComparison c => $"{Property(c.Attribute)} {Operator(c.Operator)} {Number(c.Attribute, c.Value)}",
            BoundMembership m => Membership(m),
            BoundSegmentReference r => $"IsIn({names.Segment(r.Segment)}, customer)",
            // Logicals come back parenthesised, memberships are parenthesised or atoms.
            BoundNot { Operand: BoundComparison } n => "!(" + Predicate(n.Operand) + ")",
            BoundNot n => "!" + Predicate(n.Operand),
            BoundLogical { Operands.IsEmpty: true } l => l.Operator == LogicalOperator.And ? "true" : "false",
            BoundLogical l => string.Join(l.Operator == LogicalOperator.And ? " && " : " || ", l.Operands.Select(o => Predicate(o))),
            _ => throw new InvalidOperationException($"Unexpected predicate {predicate.GetType().Name}."),
        };
        return top || predicate is not BoundLogical ? text : "(" + text + ")";
    }

    // The policy's operators are C#'s: the same table the parser and formatter use.
    private static string Operator(ComparisonOperator op) => SyntaxFacts.Text(op);

    /// <summary>An int attribute compares with an int literal when the number is whole and in range; otherwise as decimal.</summary>
    private static string Number(AttributeSymbol attribute, decimal value) =>
        attribute.Type == AttributeKind.Int && decimal.Truncate(value) == value && value is >= int.MinValue and <= int.MaxValue
            ? Int((int)value)
            : Decimal(value);

    private string Membership(BoundMembership m)
    {
        if (m.Values.IsEmpty)
        {
            return "false";
        }

        switch (m.Attribute.Type)
        {
            case AttributeKind.Bool:
                bool hasTrue = m.Values.Contains(1m), hasFalse = m.Values.Contains(0m);
                return hasTrue && hasFalse ? "true" : hasTrue ? Property(m.Attribute) : hasFalse ? "!" + Property(m.Attribute) : "false";
            case AttributeKind.Enum:
                return "(" + Property(m.Attribute) + " is " + string.Join(" or ", m.Values.Distinct().Select(v => names.AttributeMember(m.Attribute, (int)v))) + ")";
            default:
                return "(" + Property(m.Attribute) + " is " + string.Join(" or ", m.Values.Distinct().Select(v => Number(m.Attribute, v))) + ")";
        }
    }
}

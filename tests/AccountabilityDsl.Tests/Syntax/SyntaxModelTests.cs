using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// Every construct of the language parses into the right nodes with exact spans. The outline
/// baselines show the source text of every node's span; the focused tests check the parts that
/// matter most (precedence, numbers, ranges, clause order) with assertions.
/// </summary>
public class SyntaxModelTests
{
    private static SyntaxTree ParseClean(string text)
    {
        SyntaxTree tree = SyntaxTree.Parse(SourceText.From(text, "test.owner"));
        tree.Diagnostics.ShouldBeEmpty(Baseline.Render(tree.Diagnostics));
        return tree;
    }

    private static PredicateSyntax PredicateOf(string where) =>
        ParseClean("segment S where " + where).Declarations.Single().ShouldBeOfType<SegmentDeclarationSyntax>().Predicate!;

    private static string Shape(string where) => SyntaxDump.Shape(PredicateOf(where));

    [Fact]
    public void The_example_policy_from_the_language_brief_parses_completely()
    {
        string path = Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner");
        SyntaxTree tree = SyntaxTree.Parse(SourceText.FromFile(path));
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.Length.ShouldBe(35);
        tree.Comments.Length.ShouldBe(13);
        Baseline.Verify(SyntaxDump.Render(tree), "Syntax/Model.RetailBank.txt");
    }

    [Fact]
    public void Every_declaration_form_with_its_optional_parts() => Baseline.Verify(SyntaxDump.Render(ParseClean("""
        policy Minimal
        policy Named namespace A.B_2.C
        attribute i: int
        attribute d: decimal
        attribute b: bool
        attribute e: enum { One }
        segment Assigned
        segment Documented "with \"quotes\" and \\ backslash"
        segment Both "doc" where b
        stages Only
        owner Plain
        channel Daily capacity 1 per day
        channel Weeks capacity 2 per weeks
        channel Months capacity 3 per months
        channel Year capacity 4 per year
        accountable O for A, B at *
        responsible O for * at S1, S2..S3 via C1, C2
        consulted O for A at S1
        informed O for A at S1..S1
        offer Bare by O to *
        limit contacts per customer: at most 0 per 2 years calendar
        limit Sms per customer: at most 5 per 1 week
        limit BoatLoan per customer: at most 1 per 6 months
        cooldown 1 day after Event
        cooldown 2 weeks after Other
        exempt service
        """)), "Syntax/Model.AllForms.txt");

    [Fact]
    public void Comments_of_both_kinds_are_collected_with_their_spans()
    {
        const string text = "// first\nowner A /* inline */ \"doc\" // trailing\n/* multi\n   line */\nowner B\n/**/";
        SyntaxTree tree = ParseClean(text);
        tree.Comments.Select(c => (c.Text, c.IsBlock, text.Substring(c.Span.Start, c.Span.Length))).ShouldBe(
        [
            ("// first", false, "// first"),
            ("/* inline */", true, "/* inline */"),
            ("// trailing", false, "// trailing"),
            ("/* multi\n   line */", true, "/* multi\n   line */"),
            ("/**/", true, "/**/"),
        ]);
        tree.Declarations.Length.ShouldBe(2);
        tree.Declarations[0].ShouldBeOfType<OwnerDeclarationSyntax>().Documentation!.Value.ShouldBe("doc");
    }

    [Fact]
    public void Comments_with_CRLF_line_endings_do_not_include_the_line_break()
    {
        SyntaxTree tree = ParseClean("// one\r\nowner A // two\r\n");
        tree.Comments.Select(c => c.Text).ShouldBe(["// one", "// two"]);
    }

    [Theory]
    [InlineData("a and b or c", "(or (and a b) c)")]
    [InlineData("a or b and c", "(or a (and b c))")]
    [InlineData("not a and b", "(and (not a) b)")]
    [InlineData("not a or not b and c", "(or (not a) (and (not b) c))")]
    [InlineData("not not a", "(not (not a))")]
    [InlineData("a and b and c and d", "(and a b c d)")]
    [InlineData("a or b or c", "(or a b c)")]
    [InlineData("(a or b) and c", "(and [(or a b)] c)")]
    [InlineData("a and (b or c) and d", "(and a [(or b c)] d)")]
    [InlineData("not (a or b)", "(not [(or a b)])")]
    [InlineData("((a))", "[[a]]")]
    [InlineData("a or b and c or d", "(or a (and b c) d)")]
    [InlineData("a and b or c and d", "(or (and a b) (and c d))")]
    [InlineData("x < 1 and y >= 2.5 or z != -3", "(or (and (< x 1) (>= y 2.5m)) (!= z -3))")]
    [InlineData("x <= 0 or x > 10 or x == 5", "(or (<= x 0) (> x 10) (== x 5))")]
    [InlineData("flag == true and other != false", "(and (== flag true) (!= other false))")]
    [InlineData("region == North", "(== region North)")]
    [InlineData("region in { North, East }", "(in region {North East})")]
    [InlineData("level in { 1, -2, 3.5 }", "(in level {1 -2 3.5m})")]
    [InlineData("not region in { North } and owns_boat", "(and (not (in region {North})) owns_boat)")]
    public void Predicates_follow_not_over_and_over_or_with_parentheses(string where, string shape) =>
        Shape(where).ShouldBe(shape);

    [Fact]
    public void Predicate_spans_are_exact()
    {
        const string where = "not (assets >= -250000.50 or region in { North, East }) and owns_boat";
        string text = "segment S where " + where;
        SyntaxTree tree = ParseClean(text);
        string Of(SyntaxNode node) => tree.Source.ToString(node.Span);
        var and = tree.Declarations.Single().ShouldBeOfType<SegmentDeclarationSyntax>().Predicate.ShouldBeOfType<LogicalPredicateSyntax>();
        Of(and).ShouldBe(where);
        var not = and.Operands[0].ShouldBeOfType<NotPredicateSyntax>();
        Of(not).ShouldBe("not (assets >= -250000.50 or region in { North, East })");
        var parenthesized = not.Operand.ShouldBeOfType<ParenthesizedPredicateSyntax>();
        Of(parenthesized).ShouldBe("(assets >= -250000.50 or region in { North, East })");
        var or = parenthesized.Inner.ShouldBeOfType<LogicalPredicateSyntax>();
        Of(or).ShouldBe("assets >= -250000.50 or region in { North, East }");
        var comparison = or.Operands[0].ShouldBeOfType<ComparisonPredicateSyntax>();
        Of(comparison).ShouldBe("assets >= -250000.50");
        tree.Source.ToString(comparison.OperatorSpan).ShouldBe(">=");
        Of(comparison.Attribute).ShouldBe("assets");
        var number = comparison.Value.ShouldBeOfType<NumberLiteralSyntax>();
        Of(number).ShouldBe("-250000.50");
        number.Value.ShouldBe(-250000.50m);
        number.IsInteger.ShouldBeFalse();
        number.Text.ShouldBe("-250000.50");
        var membership = or.Operands[1].ShouldBeOfType<MembershipPredicateSyntax>();
        Of(membership).ShouldBe("region in { North, East }");
        membership.Members.Select(Of).ShouldBe(["North", "East"]);
        Of(and.Operands[1]).ShouldBe("owns_boat");
        and.Operands[1].ShouldBeOfType<AttributePredicateSyntax>().Attribute.Text.ShouldBe("owns_boat");
    }

    [Theory]
    [InlineData("0", 0, true)]
    [InlineData("-0", 0, true)]
    [InlineData("250000", 250000, true)]
    [InlineData("-1", -1, true)]
    [InlineData("0.5", 0.5, false)]
    [InlineData("-0.25", -0.25, false)]
    [InlineData("79228162514264337593543950335", 79228162514264337593543950335.0, true)]
    public void Numbers_keep_sign_value_and_kind(string literal, double expected, bool isInteger)
    {
        var number = PredicateOf("x >= " + literal).ShouldBeOfType<ComparisonPredicateSyntax>().Value.ShouldBeOfType<NumberLiteralSyntax>();
        ((double)number.Value).ShouldBe(expected);
        number.IsInteger.ShouldBe(isInteger);
        number.Text.ShouldBe(literal);
    }

    [Fact]
    public void A_minus_separated_from_its_number_is_still_part_of_the_literal_span()
    {
        SyntaxTree tree = ParseClean("segment S where x > - 5");
        var number = tree.Declarations.Single().ShouldBeOfType<SegmentDeclarationSyntax>().Predicate
            .ShouldBeOfType<ComparisonPredicateSyntax>().Value.ShouldBeOfType<NumberLiteralSyntax>();
        number.Value.ShouldBe(-5m);
        tree.Source.ToString(number.Span).ShouldBe("- 5");
    }

    [Fact]
    public void Stage_lists_mix_single_stages_and_ranges()
    {
        SyntaxTree tree = ParseClean("accountable O for A at Prospect, Onboarding..Active, Retention..Retention");
        var stages = tree.Declarations.Single().ShouldBeOfType<AssignmentDeclarationSyntax>().Stages;
        stages.IsWildcard.ShouldBeFalse();
        tree.Source.ToString(stages.Span).ShouldBe("Prospect, Onboarding..Active, Retention..Retention");
        stages.Ranges.Select(r => (tree.Source.ToString(r.Span), r.From.Text, r.To?.Text)).ShouldBe(
        [
            ("Prospect", "Prospect", null),
            ("Onboarding..Active", "Onboarding", "Active"),
            ("Retention..Retention", "Retention", "Retention"),
        ]);
        tree.Source.ToString(stages.Ranges[1].To!.Span).ShouldBe("Active");
    }

    [Fact]
    public void Wildcards_have_spans_and_no_names()
    {
        SyntaxTree tree = ParseClean("informed O for * at *");
        var assignment = tree.Declarations.Single().ShouldBeOfType<AssignmentDeclarationSyntax>();
        assignment.Role.ShouldBe(RaciRole.Informed);
        assignment.Segments.IsWildcard.ShouldBeTrue();
        assignment.Segments.Names.ShouldBeEmpty();
        tree.Source.ToString(assignment.Segments.Span).ShouldBe("*");
        assignment.Stages.IsWildcard.ShouldBeTrue();
        assignment.Stages.Ranges.ShouldBeEmpty();
        assignment.Channels.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("at Active via Email min cell 250 priority 40 approved by Sales, Ops")]
    [InlineData("approved by Sales, Ops priority 40 min cell 250 via Email at Active")]
    [InlineData("via Email approved by Sales, Ops at Active priority 40 min cell 250")]
    [InlineData("priority 40 at Active min cell 250 approved by Sales, Ops via Email")]
    public void Offer_clauses_parse_in_any_order(string clauses)
    {
        string text = "offer BoatLoan by Manager to Boaters, Affluent\n  " + clauses;
        SyntaxTree tree = ParseClean(text);
        var offer = tree.Declarations.Single().ShouldBeOfType<OfferDeclarationSyntax>();
        tree.Source.ToString(offer.Span).ShouldBe(text);
        offer.Name.Text.ShouldBe("BoatLoan");
        offer.Sponsor.Text.ShouldBe("Manager");
        offer.Segments.Names.Select(n => n.Text).ShouldBe(["Boaters", "Affluent"]);
        offer.Stages!.Ranges.Single().From.Text.ShouldBe("Active");
        offer.Channels.Select(n => n.Text).ShouldBe(["Email"]);
        offer.MinCell!.Value.ShouldBe(250m);
        tree.Source.ToString(offer.MinCell.Span).ShouldBe("250");
        offer.Priority!.Value.ShouldBe(40m);
        tree.Source.ToString(offer.Priority.Span).ShouldBe("40");
        offer.ApprovedBy.Select(n => tree.Source.ToString(n.Span)).ShouldBe(["Sales", "Ops"]);
    }

    [Fact]
    public void An_offer_without_optional_clauses_has_none()
    {
        var offer = ParseClean("offer O by S to *").Declarations.Single().ShouldBeOfType<OfferDeclarationSyntax>();
        offer.Stages.ShouldBeNull();
        offer.Channels.ShouldBeEmpty();
        offer.MinCell.ShouldBeNull();
        offer.Priority.ShouldBeNull();
        offer.ApprovedBy.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("limit offers per customer: at most 3 per 365 days", LimitScopeKind.Offers, "offers", 3, 365, PeriodUnit.Day, true, false)]
    [InlineData("limit contacts per customer: at most 10 per 1 month calendar", LimitScopeKind.Contacts, "contacts", 10, 1, PeriodUnit.Month, false, true)]
    [InlineData("limit Email per customer: at most 1 per 1 day calendar", LimitScopeKind.Named, "Email", 1, 1, PeriodUnit.Day, false, true)]
    [InlineData("limit BoatLoan per customer: at most 0 per 2 years", LimitScopeKind.Named, "BoatLoan", 0, 2, PeriodUnit.Year, true, false)]
    [InlineData("limit CallCentre per customer: at most 2 per 3 weeks calendar", LimitScopeKind.Named, "CallCentre", 2, 3, PeriodUnit.Week, true, true)]
    public void Limits_including_calendar_windows(string text, LimitScopeKind kind, string scope, int max, int window, PeriodUnit unit, bool plural, bool calendar)
    {
        SyntaxTree tree = ParseClean(text);
        var limit = tree.Declarations.Single().ShouldBeOfType<LimitDeclarationSyntax>();
        tree.Source.ToString(limit.Span).ShouldBe(text);
        limit.Scope.Kind.ShouldBe(kind);
        limit.Scope.DisplayText.ShouldBe(scope);
        tree.Source.ToString(limit.Scope.Span).ShouldBe(scope);
        limit.MaxCount.AsCount.ShouldBe(max);
        limit.WindowCount.AsCount.ShouldBe(window);
        limit.WindowUnit.Unit.ShouldBe(unit);
        limit.WindowUnit.Plural.ShouldBe(plural);
        limit.Calendar.ShouldBe(calendar);
    }

    [Fact]
    public void Namespaces_keep_each_part_and_its_span()
    {
        SyntaxTree tree = ParseClean("policy RetailBank namespace Contoso.Banking.Policies");
        var header = tree.Declarations.Single().ShouldBeOfType<PolicyHeaderSyntax>();
        header.Name.Text.ShouldBe("RetailBank");
        header.NamespaceText.ShouldBe("Contoso.Banking.Policies");
        header.Namespace.Select(n => tree.Source.ToString(n.Span)).ShouldBe(["Contoso", "Banking", "Policies"]);
        ParseClean("policy P").Declarations.Single().ShouldBeOfType<PolicyHeaderSyntax>().NamespaceText.ShouldBeNull();
    }

    [Fact]
    public void Enum_members_keep_their_order_and_spans()
    {
        SyntaxTree tree = ParseClean("attribute region: enum {North,South ,  East,West}");
        var attribute = tree.Declarations.Single().ShouldBeOfType<AttributeDeclarationSyntax>();
        attribute.Type.Kind.ShouldBe(AttributeKind.Enum);
        tree.Source.ToString(attribute.Type.Span).ShouldBe("enum {North,South ,  East,West}");
        attribute.Type.Members.Select(m => tree.Source.ToString(m.Span)).ShouldBe(["North", "South", "East", "West"]);
    }

    [Fact]
    public void Declarations_may_span_lines_and_share_a_line()
    {
        SyntaxTree tree = ParseClean("owner A owner B\nstages\n  P\n  ->\n  Q");
        tree.Declarations.Select(d => tree.Source.ToString(d.Span)).ShouldBe(["owner A", "owner B", "stages\n  P\n  ->\n  Q"]);
    }

    [Fact]
    public void Spans_are_right_after_a_byte_order_mark_and_with_every_line_ending()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("owner A\r\nowner B\rowner C\n")];
        SyntaxTree tree = SyntaxTree.Parse(SourceText.FromBytes(bytes, "x.owner"));
        tree.Diagnostics.ShouldBeEmpty();
        tree.Declarations.Select(d => tree.Source.GetLinePositionSpan(d.Span).Start).ShouldBe(
            [new LinePosition(1, 1), new LinePosition(2, 1), new LinePosition(3, 1)]);
        tree.Declarations.Select(d => tree.Source.ToString(d.Span)).ShouldBe(["owner A", "owner B", "owner C"]);
    }
}

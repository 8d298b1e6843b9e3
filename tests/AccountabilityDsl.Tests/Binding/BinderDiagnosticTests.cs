using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Binding;

/// <summary>OWN0002 to OWN0007: each firing in its typical shapes (one baseline) and a clean counterpart.</summary>
public class BinderDiagnosticTests
{
    [Fact]
    public void Binding_errors_are_reported_with_precise_spans_and_suggestions() =>
        Baseline.Verify(TestPolicy.Diagnostics("""
            policy Shop
            stages Prospect -> Active -> Lapsed
            stages Again
            attribute revenue: decimal
            attribute tier: enum { Gold, Silver, Gold }
            attribute vip: bool
            attribute tenure: int
            segment Big where revenu > 10
            segment Gilded where tier == Golden
            segment Odd where tier < Gold
            segment Half where tenure > 1.5
            segment Flag where vip == 3
            segment Bare where revenue
            segment Big
            owner Sales
            owner Sales
            channel Email
            offer Email by Sales to Big via Email
            accountable Sals for Big at Active..Prospect
            accountable Sales for Bigg at Activ
            limit Emial per customer: at most 1 per 0 days
            cooldown 0 days after Complaint
            policy Second
            """), "Binding/errors.txt");

    [Fact]
    public void Names_after_a_syntax_error_in_the_same_declaration_are_not_reported_again()
    {
        // 'at' taken where the segment belongs: one mistake, not also "unknown segment 'Active'".
        var diagnostics = TestPolicy.Compile("""
            policy Shop
            stages Active
            owner Sales
            segment Retail
            accountable Nobody for at Active
            accountable Sales for Retail at Lapsed
            """).Diagnostics;
        diagnostics.Select(d => (d.Id, d.Location.LineSpan.Start.Line)).ShouldBe([("OWN0002", 5), ("OWN0001", 5), ("OWN0002", 6)]);
        diagnostics[0].Message.ShouldBe("unknown owner 'Nobody'"); // before the syntax error: the author's
        diagnostics[2].Message.ShouldStartWith("unknown stage 'Lapsed'"); // another declaration: reported
    }

    [Fact]
    public void A_file_without_header_or_lifecycle_says_so() =>
        Baseline.Verify(TestPolicy.Diagnostics("owner Sales\n"), "Binding/no-header-no-stages.txt");

    [Fact]
    public void A_late_header_is_reported() =>
        Baseline.Verify(TestPolicy.Diagnostics("owner Sales\npolicy Late\nstages A\nsegment S\naccountable Sales for * at *\n"), "Binding/late-header.txt");

    [Fact]
    public void A_well_formed_policy_has_no_binding_errors() =>
        TestPolicy.Compile("""
            policy Shop
            stages Prospect -> Active -> Lapsed
            attribute revenue: decimal
            attribute tier: enum { Gold, Silver }
            attribute vip: bool
            attribute tenure: int
            segment Big where revenue > 10 and tier == Gold and not vip and tenure >= 2
            segment Rest where not (revenue > 10 and tier == Gold and not vip and tenure >= 2)
            owner Sales
            channel Email
            offer Promo by Sales to Big via Email
            accountable Sales for * at Prospect..Lapsed
            limit Email per customer: at most 1 per 1 day
            cooldown 1 day after Complaint
            """).Diagnostics.Where(d => string.CompareOrdinal(d.Id, "OWN0100") < 0).ShouldBeEmpty();
}

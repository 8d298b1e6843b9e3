using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Binding;

/// <summary>Segment names as conditions in predicates: binding, OWN0006 cycles, and what the analysis makes of them.</summary>
public class SegmentReferenceTests
{
    private const string Tiers = """
        policy Bank
        attribute revenue: decimal
        attribute named: bool
        stages Active
        segment KeyAccounts where named
        segment Tier1 where revenue >= 1000000 and not KeyAccounts
        segment Tier2 where revenue < 1000000 and not KeyAccounts
        owner Sales
        owner KeyAccountManager
        accountable KeyAccountManager for KeyAccounts at Active
        accountable Sales for Tier1, Tier2 at Active
        """;

    [Fact]
    public void A_bare_segment_name_binds_to_the_segment_and_counts_as_a_use()
    {
        PolicyCompilation compilation = TestPolicy.Compile(Tiers);
        compilation.Diagnostics.ShouldBeEmpty();
        SegmentSymbol tier1 = compilation.Policy.Segments.Single(s => s.Name == "Tier1");
        tier1.ReferencedSegments.Select(s => s.Name).ShouldBe(["KeyAccounts"]);
        Binder.SegmentReferences(tier1.Predicate!).Single().Segment.ShouldBeSameAs(compilation.Policy.Segments[0]);
    }

    [Fact]
    public void Key_accounts_over_revenue_tiers_conflict_only_without_the_segment_atom()
    {
        TestPolicy.Ids(Tiers).ShouldBeEmpty();
        Diagnostic overlap = TestPolicy.Compile(Tiers.Replace(" and not KeyAccounts", "")).Diagnostics.First(d => d.Id == "OWN0104");
        overlap.Witness!.ToString().ShouldContain("named = true");
    }

    [Fact]
    public void A_vacuum_through_an_assigned_segment_atom_names_a_customer_of_that_segment()
    {
        Diagnostic vacuum = TestPolicy.Compile("""
            policy Bank
            attribute revenue: decimal
            stages Active
            segment Gold
            segment Silver
            segment RichSilver where revenue >= 100 and Silver
            owner Sales
            owner GoldDesk
            accountable GoldDesk for Gold at Active
            accountable Sales for RichSilver at Active
            // owner-disable-next-line OWN0301
            """).Diagnostics.Single(d => d.Id == "OWN0101");
        vacuum.Witness!.ToString().ShouldBe("segment = Silver, revenue = 0");
    }

    [Fact]
    public void Segment_cycles_are_reported_once_each_with_every_link()
    {
        Baseline.Verify(TestPolicy.Diagnostics("""
            policy Bank
            attribute revenue: decimal
            stages Active
            segment A where revenue > 1 and not B
            segment B where C or revenue < 0
            segment C where A
            segment D where A and C
            segment Self where not (Self)
            segment Fine where revenue > 5
            owner Sales
            accountable Sales for * at Active
            """), "Binding/segment-cycles.txt");
    }

    [Fact]
    public void Misusing_a_segment_name_gets_a_hint_and_an_unknown_condition_names_both_kinds()
    {
        Baseline.Verify(TestPolicy.Diagnostics("""
            policy Bank
            attribute revenue: decimal
            attribute Vip: bool
            stages Active
            segment Vip where revenue > 10
            segment Gold where revenue > 100
            segment A where Gold == true
            segment B where Gold in { true }
            segment C where Vip
            segment D where Golt
            owner Sales
            accountable Sales for * at Active
            """), "Binding/segment-reference-errors.txt");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_long_chain_of_segments_defined_through_each_other_binds_and_analyses_without_deep_recursion()
    {
        var text = new System.Text.StringBuilder("policy Chain\nattribute x: int\nstages Active\nowner O\nsegment S0 where x > 0\n");
        for (int i = 1; i < 3000; i++)
        {
            text.Append($"segment S{i} where S{i - 1}\n");
        }

        text.Append("accountable O for * at Active\n");
        PolicyCompilation compilation = TestPolicy.Compile(text.ToString());
        compilation.Diagnostics.Select(d => d.Id).ShouldBe(["OWN0103"]);
    }
}

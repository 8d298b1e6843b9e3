using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

/// <summary>Firing and non-firing cases of the rules built on exact region reasoning.</summary>
public class RegionRuleTests
{
    private const string Tiers = """
        policy Tiers
        stages Prospect -> Customer -> Lapsed
        attribute revenue: decimal
        attribute employees: int
        owner Hunters
        owner Farmers
        owner Enterprise

        """;

    [Fact]
    public void OWN0101_fires_at_a_stage_nobody_owns_and_groups_stages() =>
        Baseline.Verify(RuleTest.Diagnostics(Tiers + """
            segment Small where revenue < 1000
            segment Large where revenue >= 1000
            accountable Hunters for * at Prospect
            accountable Farmers for Small at Customer
            accountable Enterprise for Large at Customer
            """, "OWN0101"), "Rules/OWN0101.fires.txt");

    [Fact]
    public void OWN0101_is_silent_when_an_owned_segment_covers_the_unowned_one() =>
        TestPolicy.Ids(Tiers + """
            segment Everyone where revenue >= 0 or revenue < 0
            segment Big where revenue >= 1000 and employees > 10
            accountable Farmers for Everyone at *
            accountable Hunters for Big at Prospect
            accountable Farmers for Big at Customer..Lapsed
            """).ShouldNotContain("OWN0101");

    [Fact]
    public void OWN0101_for_assigned_segments_names_the_segment_in_the_witness() =>
        Baseline.Verify(RuleTest.Diagnostics("""
            policy Assigned
            stages Prospect -> Customer
            segment Retail
            segment Business
            owner Sales
            accountable Sales for Retail at *
            accountable Sales for Business at Prospect
            """, "OWN0101"), "Rules/OWN0101.assigned.txt");

    [Fact]
    public void OWN0103_fires_for_a_gap_between_tiers_with_a_boundary_witness() =>
        Baseline.Verify(RuleTest.Diagnostics(Tiers + """
            segment Small where revenue < 500000
            segment Large where revenue >= 1000000
            accountable Farmers for * at *
            """, "OWN0103"), "Rules/OWN0103.fires.txt");

    [Fact]
    public void OWN0103_is_silent_when_segments_cover_everyone_and_with_assigned_segments()
    {
        TestPolicy.Ids(Tiers + """
            segment Small where revenue < 500000
            segment Large where not (revenue < 500000)
            accountable Farmers for * at *
            """).ShouldNotContain("OWN0103");
        TestPolicy.Ids(Tiers + """
            segment Assigned
            segment Large where revenue >= 1000000
            accountable Farmers for * at *
            """).ShouldNotContain("OWN0103");
    }

    [Fact]
    public void OWN0104_fires_for_overlapping_segments_with_different_owners() =>
        Baseline.Verify(RuleTest.Diagnostics(Tiers + """
            segment ManyStaff where employees >= 100
            segment HighRevenue where revenue >= 1000000
            segment Rest where employees < 100 and revenue < 1000000
            accountable Farmers for ManyStaff, Rest at *
            accountable Enterprise for HighRevenue at Customer..Lapsed
            accountable Farmers for HighRevenue at Prospect
            """, "OWN0104"), "Rules/OWN0104.fires.txt");

    [Fact]
    public void OWN0104_is_silent_for_disjoint_segments_and_for_a_shared_owner() =>
        TestPolicy.Ids(Tiers + """
            segment Small where employees < 100
            segment Big where employees >= 100
            segment HighRevenue where revenue >= 1000000 and employees < 100
            accountable Farmers for Small, HighRevenue at *
            accountable Enterprise for Big at *
            """).ShouldNotContain("OWN0104");

    [Fact]
    public void OWN0105_fires_for_an_unsatisfiable_predicate_including_integer_rounding() =>
        Baseline.Verify(RuleTest.Diagnostics(Tiers + """
            segment Impossible where revenue > 10 and revenue <= 10
            segment BetweenIntegers where employees > 3 and employees < 4
            segment Fine where employees > 3 and employees < 5
            accountable Farmers for * at *
            """, "OWN0105"), "Rules/OWN0105.fires.txt");

    [Fact]
    public void OWN0105_is_silent_for_a_single_point_segment() =>
        TestPolicy.Ids(Tiers + """
            segment Exactly where revenue >= 10 and revenue <= 10
            segment Rest where revenue != 10
            accountable Farmers for * at *
            """).ShouldNotContain("OWN0105");

    /// <summary>
    /// An int attribute holds what a C# int holds (the generated customer record's type): segments
    /// that cover every int cover everyone, and a bound beyond the range leaves nobody inside.
    /// </summary>
    [Fact]
    public void Int_attributes_range_over_the_values_of_a_CSharp_int() =>
        Baseline.Verify(TestPolicy.Diagnostics(Tiers + """
            segment Negative where employees < 0
            segment UpToMax where employees >= 0 and employees <= 2147483647
            segment Beyond where employees > 99999999999
            segment BelowMin where employees < -2147483648
            segment AtMax where employees >= 2147483647
            accountable Farmers for * at *
            """), "Rules/IntRange.txt");

    [Fact]
    public void A_gap_at_the_top_of_the_int_range_is_described_by_the_bound_the_policy_wrote()
    {
        string diagnostics = TestPolicy.Diagnostics(Tiers + """
            segment Small where employees < 100
            accountable Farmers for * at *
            """);
        diagnostics.ShouldContain("customers with employees >= 100 are in no segment");
        diagnostics.ShouldNotContain("2147483647");
    }

    [Fact]
    public void OWN0302_fires_when_an_offer_reaches_customers_of_an_owner_who_did_not_approve() =>
        Baseline.Verify(RuleTest.Diagnostics(Tiers + """
            segment Small where revenue < 1000
            segment Large where revenue >= 1000
            channel Email
            accountable Farmers for Small at *
            accountable Enterprise for Large at *
            offer Upgrade by Farmers to Small, Large at Customer via Email
            limit offers per customer: at most 1 per 30 days
            """, "OWN0302"), "Rules/OWN0302.fires.txt");

    [Fact]
    public void OWN0302_is_silent_when_every_reached_owner_sponsors_or_approves() =>
        TestPolicy.Ids(Tiers + """
            segment Small where revenue < 1000
            segment Large where revenue >= 1000
            channel Email
            accountable Farmers for Small at *
            accountable Enterprise for Large at *
            offer Upgrade by Farmers to Small, Large at Customer via Email approved by Enterprise
            offer SmallOnly by Farmers to Small via Email
            limit offers per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0302");

    [Fact]
    public void OWN0108_fires_for_a_huge_enum_and_a_predicate_too_large_to_analyse()
    {
        string members = string.Join(", ", Enumerable.Range(0, 70).Select(i => $"M{i}"));
        string digits = "{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }";
        Baseline.Verify(RuleTest.Diagnostics($"""
            policy Big
            stages Active
            attribute store: enum {"{"} {members} {"}"}
            segment Flagship where store == M0
            owner Retail
            accountable Retail for * at *
            """, "OWN0108") + RuleTest.Diagnostics($"""
            policy Big
            stages Active
            attribute a: int
            attribute b: int
            attribute c: int
            attribute d: int
            attribute e: int
            segment Combinatorial where a in {digits} and b in {digits} and c in {digits} and d in {digits} and e in {digits}
            owner Retail
            accountable Retail for * at *
            """, "OWN0108"), "Rules/OWN0108.fires.txt");
    }

    [Fact]
    public void OWN0108_is_silent_for_ordinary_policies() =>
        TestPolicy.Ids(Tiers + """
            segment Small where revenue < 1000 and employees in { 1, 2, 3 }
            segment Large where revenue >= 1000 or employees > 3 or employees < 1
            accountable Farmers for * at *
            """).ShouldNotContain("OWN0108");
}

using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class DuplicateLimitScopeRuleTests
{
    private const string Policy = TestPolicy.Prelude + """
        segment Retail
        owner Sales
        channel Email
        accountable Sales for * at *
        offer Welcome by Sales to Retail via Email

        """;

    private static IReadOnlyList<string> Ids(string limits) => TestPolicy.Ids(Policy + limits);

    [Fact]
    public void The_looser_of_two_limits_on_one_scope_is_reported_with_the_stricter_related() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            limit offers per customer: at most 1 per 30 days
            limit Email per customer: at most 1 per 1 day
            limit offers per customer: at most 3 per 7 days

            """, "OWN0201"), "Rules/OWN0201.fires.txt");

    [Fact]
    public void Identical_limits_report_the_second_one() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            limit Email per customer: at most 2 per 1 week
            limit Email per customer: at most 2 per 7 days

            """, "OWN0201"), "Rules/OWN0201.identical.txt");

    [Fact]
    public void A_burst_cap_next_to_a_sustained_cap_is_intentional() =>
        Ids("""
            limit offers per customer: at most 1 per 1 day
            limit offers per customer: at most 5 per 1 week
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void Limits_on_different_scopes_are_not_compared() =>
        Ids("""
            limit offers per customer: at most 1 per 30 days
            limit contacts per customer: at most 5 per 7 days
            limit Email per customer: at most 5 per 7 days
            limit Welcome per customer: at most 5 per 7 days
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void Rolling_and_calendar_limits_are_not_compared() =>
        Ids("""
            limit offers per customer: at most 1 per 7 days
            limit offers per customer: at most 1 per 1 day calendar
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void A_month_is_not_assumed_to_cover_thirty_days() =>
        Ids("""
            limit offers per customer: at most 1 per 1 month
            limit offers per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void A_month_covers_four_weeks() =>
        Ids("""
            limit offers per customer: at most 1 per 1 month
            limit offers per customer: at most 1 per 4 weeks
            """).ShouldBe(["OWN0201"]);

    [Fact]
    public void A_calendar_week_does_not_contain_a_calendar_month_boundary() =>
        Ids("""
            limit offers per customer: at most 1 per 1 month calendar
            limit offers per customer: at most 1 per 1 week calendar
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void A_calendar_month_contains_every_calendar_day() =>
        Ids("""
            limit offers per customer: at most 1 per 1 month calendar
            limit offers per customer: at most 2 per 1 day calendar
            """).ShouldBe(["OWN0201"]);

    [Fact]
    public void Of_three_nested_limits_both_looser_ones_point_at_the_one_that_applies()
    {
        var diagnostics = TestPolicy.Compile(Policy + """
            limit offers per customer: at most 3 per 7 days
            limit offers per customer: at most 2 per 14 days
            limit offers per customer: at most 1 per 30 days
            """).Diagnostics;
        diagnostics.Select(d => d.Id).ShouldBe(["OWN0201", "OWN0201"]);
        diagnostics.ShouldAllBe(d => d.Related.Single().Location.LineSpan.Start.Line == 10);
    }

    [Fact]
    public void A_limit_of_zero_makes_every_other_limit_on_its_scope_redundant_whatever_the_windows() =>
        Ids("""
            limit Email per customer: at most 3 per 30 days
            limit Email per customer: at most 0 per 1 day calendar
            """).Where(id => id == "OWN0201").ShouldBe(["OWN0201"]);
}

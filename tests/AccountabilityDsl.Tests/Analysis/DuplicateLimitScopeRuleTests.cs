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
    public void Limits_on_scopes_that_do_not_contain_each_other_are_not_compared() =>
        Ids("""
            limit offers per customer: at most 1 per 30 days
            limit Email per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void A_broader_scope_at_least_as_strict_makes_the_narrower_limit_redundant() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            group Promotions: Welcome
            limit offers per customer: at most 1 per 30 days
            limit contacts per customer: at most 5 per 7 days
            limit Email per customer: at most 5 per 7 days
            limit Welcome per customer: at most 5 per 7 days
            limit Promotions per customer in Retail at Active: at most 1 per 7 days

            """, "OWN0201"), "Rules/OWN0201.scopes.txt");

    [Fact]
    public void A_narrower_scope_is_never_reported_as_making_a_broader_one_redundant() =>
        Ids("""
            limit Welcome per customer: at most 1 per 30 days
            limit offers per customer: at most 5 per 7 days
            limit offers per customer in Retail: at most 0 per 7 days
            limit offers per customer at Active: at most 1 per 365 days
            """).ShouldNotContain("OWN0201");

    [Fact]
    public void A_household_limit_counts_the_customer_and_covers_a_customer_limit_but_not_the_reverse()
    {
        Ids("""
            limit offers per household: at most 2 per 30 days
            limit offers per customer: at most 3 per 30 days
            """).ShouldBe(["OWN0201"]);
        Ids("""
            limit offers per customer: at most 2 per 30 days
            limit offers per household: at most 3 per 30 days
            """).ShouldNotContain("OWN0201");
    }

    [Fact]
    public void A_shorter_window_under_a_cap_of_two_or_more_is_advised_as_a_burst_cap() =>
        TestPolicy.Compile(Policy + """
            limit contacts per customer: at most 4 per 30 days
            limit Welcome per customer: at most 5 per 7 days
            """).Diagnostics.Single(d => d.Id == "OWN0201").Message
            .ShouldEndWith("remove it, or give it a count below 4 if it is meant as a burst cap");

    [Fact]
    public void The_advice_never_asks_for_a_count_below_zero_or_one() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            limit offers per customer: at most 0 per 30 days
            limit Welcome per customer: at most 2 per 7 days
            limit Email per customer: at most 1 per 90 days
            limit contacts per customer: at most 1 per 365 days

            """, "OWN0201"), "Rules/OWN0201.advice.txt");

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

using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class MinCellExceedsCapacityRuleTests
{
    private const string Policy = TestPolicy.Prelude + """
        segment Retail
        owner Sales
        channel CallCentre capacity 200 per week
        channel DirectMail capacity 100 per day
        channel Email
        accountable Sales for * at *
        limit offers per customer: at most 3 per 30 days

        """;

    [Fact]
    public void A_cell_larger_than_every_channel_can_carry_is_reported_on_the_min_cell_number() =>
        Baseline.Verify(
            RuleTest.Diagnostics(Policy + "offer Mortgage by Sales to Retail via CallCentre, DirectMail min cell 250\n", "OWN0202"),
            "Rules/OWN0202.fires.txt");

    [Fact]
    public void One_channel_with_enough_capacity_is_enough() =>
        TestPolicy.Ids(Policy + "offer Mortgage by Sales to Retail via CallCentre, DirectMail min cell 200\n").ShouldNotContain("OWN0202");

    [Fact]
    public void A_channel_without_capacity_is_unlimited() =>
        TestPolicy.Ids(Policy + "offer Mortgage by Sales to Retail via CallCentre, Email min cell 100000\n").ShouldNotContain("OWN0202");

    [Fact]
    public void An_offer_without_min_cell_is_not_checked() =>
        TestPolicy.Ids(Policy + "offer Mortgage by Sales to Retail via CallCentre\n").ShouldNotContain("OWN0202");
}

using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class UncappedChannelRuleTests
{
    private const string Policy = TestPolicy.Prelude + """
        segment Retail
        owner Sales
        channel Email
        channel Sms
        accountable Sales for * at *
        offer Welcome by Sales to Retail via Email, Sms

        """;

    [Fact]
    public void Each_uncapped_channel_of_an_offer_is_reported_on_its_name_in_the_via_list() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + "limit Sms per customer: at most 1 per 7 days\noffer Upsell by Sales to Retail via Email\n", "OWN0204"), "Rules/OWN0204.fires.txt");

    [Theory]
    [InlineData("limit offers per customer: at most 3 per 30 days")]
    [InlineData("limit contacts per customer: at most 3 per 30 days")]
    [InlineData("limit Welcome per customer: at most 1 per 30 days")]
    public void An_offer_wide_limit_covers_every_channel(string limit) =>
        TestPolicy.Ids(Policy + limit).ShouldNotContain("OWN0204");

    [Fact]
    public void Limits_on_each_channel_cover_them() =>
        TestPolicy.Ids(Policy + """
            limit Email per customer: at most 1 per 7 days
            limit Sms per customer: at most 1 per 7 days
            """).ShouldNotContain("OWN0204");

    [Fact]
    public void A_limit_on_another_offer_does_not_cover_this_one() =>
        TestPolicy.Ids(Policy + """
            offer Upsell by Sales to Retail via Email
            limit Upsell per customer: at most 1 per 7 days
            """).Count(id => id == "OWN0204").ShouldBe(2);
}

using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class UnsendableOfferRuleTests
{
    private const string Policy = TestPolicy.Prelude + """
        segment Retail
        owner Sales
        channel Email
        channel Sms
        accountable Sales for * at *

        """;

    [Fact]
    public void An_offer_limited_to_zero_is_reported_on_its_name_with_the_limit_related() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            offer Welcome by Sales to Retail via Email
            limit Welcome per customer: at most 0 per 30 days

            """, "OWN0203"), "Rules/OWN0203.fires.txt");

    [Fact]
    public void An_offer_without_a_channel_is_reported() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            offer Welcome by Sales to Retail
            limit offers per customer: at most 1 per 30 days

            """, "OWN0203"), "Rules/OWN0203.no-channel.txt");

    [Fact]
    public void Contacts_at_most_zero_blocks_every_offer() =>
        TestPolicy.Ids(Policy + """
            offer Welcome by Sales to Retail via Email
            offer Upsell by Sales to Retail via Sms
            limit contacts per customer: at most 0 per 1 day
            """).Count(id => id == "OWN0203").ShouldBe(2);

    [Fact]
    public void Every_channel_limited_to_zero_blocks_the_offer() =>
        Baseline.Verify(RuleTest.Diagnostics(Policy + """
            offer Welcome by Sales to Retail via Email, Sms
            limit Email per customer: at most 0 per 1 day
            limit Sms per customer: at most 0 per 1 week

            """, "OWN0203"), "Rules/OWN0203.channels.txt");

    [Fact]
    public void One_open_channel_is_enough() =>
        TestPolicy.Ids(Policy + """
            offer Welcome by Sales to Retail via Email, Sms
            limit Email per customer: at most 0 per 1 day
            limit Sms per customer: at most 1 per 1 week
            """).ShouldNotContain("OWN0203");

    [Fact]
    public void A_zero_limit_on_another_offer_does_not_block() =>
        TestPolicy.Ids(Policy + """
            offer Welcome by Sales to Retail via Email
            offer Upsell by Sales to Retail via Email
            limit offers per customer: at most 2 per 30 days
            limit Upsell per customer: at most 0 per 30 days
            """).Count(id => id == "OWN0203").ShouldBe(1);

    [Fact]
    public void A_sendable_offer_is_clean() =>
        TestPolicy.Ids(Policy + """
            offer Welcome by Sales to Retail via Email
            limit offers per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0203");
}

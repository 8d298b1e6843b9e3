using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class UnusedDeclarationRuleTests
{
    [Fact]
    public void Unused_owners_attributes_channels_and_segments_are_reported_on_their_names() =>
        Baseline.Verify(RuleTest.Diagnostics(TestPolicy.Prelude + """
            attribute assets: decimal
            attribute tenure: int
            attribute region: enum { North, South }
            segment Rich where assets >= 100000
            segment Poor where assets < 100000
            segment Dormant where tenure > 10
            owner Sales
            owner Legal
            channel Email
            channel Fax
            accountable Sales for Rich, Poor at *
            responsible Sales for Rich at Active via Email

            """, "OWN0301"), "Rules/OWN0301.fires.txt");

    [Fact]
    public void Wildcards_predicates_offers_and_limits_count_as_uses() =>
        TestPolicy.Ids(TestPolicy.Prelude + """
            attribute assets: decimal
            segment Rich where assets >= 100000
            segment Poor where not (assets >= 100000)
            owner Sales
            owner Product
            channel Email
            channel Sms
            accountable Sales for * at *
            offer Card by Product to Rich via Email approved by Sales
            limit Sms per customer: at most 1 per 1 day
            limit offers per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0301");

    [Fact]
    public void Stages_and_offers_are_never_reported() =>
        TestPolicy.Ids(TestPolicy.Prelude + """
            segment Retail
            owner Sales
            channel Email
            accountable Sales for * at Prospect
            offer Card by Sales to Retail at Prospect via Email
            limit offers per customer: at most 1 per 30 days
            """).ShouldNotContain("OWN0301");
}

using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Formatting;
using AccountabilityDsl.Tests.Analysis;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.ContactRules;

/// <summary>
/// The v2 contact-policy constructs through the front end and the checker: groups, scoped and
/// household limits, <c>never</c> rules, consent and quiet hours (OWN0205–OWN0207, OWN0020 and
/// the generalised OWN0201/0203/0204).
/// </summary>
public class ContactPolicyCompilerTests
{
    private const string Bank = TestPolicy.Prelude + """
        attribute assets: decimal
        attribute owns_boat: bool
        segment Affluent where assets >= 250000
        segment MassMarket where assets < 250000
        segment Boaters where owns_boat
        owner Sales
        channel Email
        channel Telemarketing capacity 200 per week requires consent
        accountable Sales for * at *
        offer BoatLoan by Sales to Boaters at Active via Email
        offer Remortgage by Sales to Affluent, MassMarket at Active..Retention via Email, Telemarketing
        offer PlatinumCard by Sales to Affluent at Active via Email
        limit contacts per customer: at most 6 per 30 days

        """;

    [Fact]
    public void The_contract_example_binds_and_checks_clean()
    {
        PolicyCompilation compilation = TestPolicy.Compile(Bank + """
            group Lending: BoatLoan, Remortgage, PlatinumCard
            limit Lending per customer: at most 1 per 90 days
            limit offers per customer in Affluent: at most 1 per 30 days
            limit contacts per customer at Active: at most 2 per 7 days
            limit Email per customer in MassMarket at Active: at most 4 per 1 month calendar
            limit offers per household: at most 4 per 30 days
            never BoatLoan with Remortgage within 30 days
            never Remortgage after BoatLoan within 90 days
            quiet Telemarketing 20:00..09:00, Sunday
            """);
        compilation.Diagnostics.ShouldBeEmpty(Baseline.Render(compilation.Diagnostics));

        BoundPolicy policy = compilation.Policy;
        policy.Groups.Single().Offers.Select(o => o.Name).ShouldBe(["BoatLoan", "Remortgage", "PlatinumCard"]);
        LimitSymbol email = policy.Limits.Single(l => l.ScopeDisplay == "Email");
        email.InSegments!.Value.Select(s => s.Name).ShouldBe(["MassMarket"]);
        email.AtStages!.Value.Select(s => s.Name).ShouldBe(["Active"]);
        policy.Limits.Single(l => l.PerHousehold).ScopeDisplay.ShouldBe("offers");
        policy.Nevers.Select(n => (n.First!.Name, n.IsAfter, n.Second!.Name)).ShouldBe([("BoatLoan", false, "Remortgage"), ("Remortgage", true, "BoatLoan")]);
        QuietSymbol quiet = policy.Quiets.Single();
        quiet.Hours.ShouldBe([(20 * 60, 9 * 60)]);
        quiet.Days.ShouldBe([DayOfWeek.Sunday]);
        quiet.IsQuietAt(DayOfWeek.Monday, 8 * 60 + 59).ShouldBeTrue();
        quiet.IsQuietAt(DayOfWeek.Monday, 9 * 60).ShouldBeFalse();
        quiet.IsQuietAt(DayOfWeek.Monday, 19 * 60 + 59).ShouldBeFalse();
        quiet.IsQuietAt(DayOfWeek.Monday, 20 * 60).ShouldBeTrue();
        quiet.IsQuietAt(DayOfWeek.Sunday, 12 * 60).ShouldBeTrue();
        policy.Channels.Single(c => c.Name == "Telemarketing").RequiresConsent.ShouldBeTrue();
    }

    [Fact]
    public void Every_misuse_is_an_error_with_a_precise_span() =>
        Baseline.Verify(TestPolicy.Diagnostics(Bank + """
            group Lending: BoatLoan, Remortage
            group Loops: Lending, Circle
            group Circle: Loops
            group Email: BoatLoan
            limit Lendng per customer: at most 1 per 90 days
            limit offers per household in Afluent at Activ: at most 1 per 30 days
            never BoatLon with Remortgage within 30 days
            never BoatLoan after Remortgage within 0 days
            quiet Telemarketing 25:00..09:00, Sundy
            quiet Telemarketing 9:00..10:00
            quiet Telemarketing 10:00..10:00
            quiet Emial 20:00..09:00
            quiet Telemarketing
            """), "ContactRules/misuse.txt");

    [Fact]
    public void A_never_rule_between_audiences_that_share_no_customer_is_OWN0205() =>
        Baseline.Verify(RuleTest.Diagnostics(Bank + """
            offer Welcome by Sales to MassMarket at Prospect via Email
            offer Starter by Sales to MassMarket at Active via Email
            never Starter with PlatinumCard within 30 days
            never PlatinumCard with BoatLoan within 30 days
            never Remortgage after Welcome within 30 days
            never PlatinumCard with Remortgage within 30 days
            never BoatLoan after PlatinumCard within 30 days
            """, "OWN0205"), "ContactRules/OWN0205.txt");

    [Fact]
    public void OWN0205_is_proved_not_guessed_assigned_segments_meet_only_themselves()
    {
        const string Assigned = TestPolicy.Prelude + """
            segment Retail
            segment Business
            owner Sales
            channel Email
            accountable Sales for * at *
            limit contacts per customer: at most 6 per 30 days
            offer A by Sales to Retail via Email
            offer B by Sales to Business via Email
            offer C by Sales to * via Email

            """;
        TestPolicy.Ids(Assigned + "never A with B within 30 days").ShouldBe(["OWN0205"]);
        TestPolicy.Ids(Assigned + "never A with C within 30 days").ShouldBeEmpty();
        TestPolicy.Ids(Assigned + "group G: A, B\nnever G with B within 30 days").ShouldBeEmpty();
    }

    [Fact]
    public void A_never_rule_naming_one_offer_twice_is_OWN0206() =>
        Baseline.Verify(RuleTest.Diagnostics(Bank + """
            group Lending: BoatLoan, Remortgage
            never BoatLoan with BoatLoan within 30 days
            never Lending after Lending within 2 weeks
            """, "OWN0206"), "ContactRules/OWN0206.txt");

    [Fact]
    public void A_channel_quiet_at_every_minute_is_OWN0207_and_its_only_offer_OWN0203()
    {
        string text = Bank + """
            offer CallBack by Sales to * via Telemarketing
            quiet Telemarketing 18:00..09:00
            quiet Telemarketing 08:00..18:00
            """;
        Baseline.Verify(RuleTest.Diagnostics(text, "OWN0207") + RuleTest.Diagnostics(text, "OWN0203"), "ContactRules/OWN0207.txt");
    }

    [Theory]
    [InlineData("quiet Telemarketing Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday", true)]
    [InlineData("quiet Telemarketing 00:00..24:00", true)]
    [InlineData("quiet Telemarketing 12:00..12:01\nquiet Telemarketing 12:01..12:00", true)]
    [InlineData("quiet Telemarketing 00:00..23:59", false)]
    [InlineData("quiet Telemarketing 20:00..09:00, Saturday, Sunday", false)]
    [InlineData("quiet Telemarketing Monday, Tuesday, Wednesday, Thursday, Friday, Saturday", false)]
    public void OWN0207_needs_every_minute_of_every_day(string quiet, bool alwaysQuiet) =>
        TestPolicy.Ids(Bank + quiet).Contains("OWN0207").ShouldBe(alwaysQuiet);

    [Fact]
    public void Zero_limits_on_groups_and_on_the_whole_audience_make_an_offer_unsendable_but_partial_scopes_do_not() =>
        Baseline.Verify(RuleTest.Diagnostics(Bank + """
            group Cards: PlatinumCard
            limit Cards per customer: at most 0 per 30 days
            limit BoatLoan per household at Active: at most 0 per 30 days
            limit Remortgage per customer in Affluent: at most 0 per 30 days
            """, "OWN0203"), "ContactRules/OWN0203.txt");

    [Fact]
    public void A_group_limit_caps_its_offers_and_a_partly_scoped_limit_does_not() =>
        Baseline.Verify(RuleTest.Diagnostics(TestPolicy.Prelude + """
            attribute assets: decimal
            segment Affluent where assets >= 250000
            segment MassMarket where assets < 250000
            owner Sales
            channel Email
            accountable Sales for * at *
            offer A by Sales to Affluent via Email
            offer B by Sales to Affluent, MassMarket via Email
            offer C by Sales to MassMarket at Active via Email
            group G: A
            limit G per customer: at most 1 per 30 days
            limit offers per customer in Affluent: at most 2 per 30 days
            limit offers per customer in MassMarket at Active, Retention: at most 2 per 30 days
            """, "OWN0204"), "ContactRules/OWN0204.txt");

    [Fact]
    public void Fmt_lays_out_every_new_form_canonically_and_keeps_comments()
    {
        const string Messy = TestPolicy.Prelude + """
            segment Retail
            owner   Sales
            channel   Phone   capacity 5 per week    requires   consent
            accountable Sales for * at *
            offer A by Sales to Retail via Phone
            offer B by Sales to Retail via Phone
            group   Pair :A,B   // both offers
            limit Pair per   household in Retail at Prospect..Active :at most 1 per 30 days
            never A   with B within 3 weeks
            never B after A within 90 days /* spacing */
            quiet Phone 20:00..09:00,Sunday ,  Saturday
            """;
        string formatted = PolicyFormatter.Format(SourceText.From(Messy)).FormattedText!;
        formatted.ShouldContain("channel Phone capacity 5 per week requires consent\n");
        formatted.ShouldContain("group Pair: A, B // both offers\n");
        formatted.ShouldContain("limit Pair per household in Retail at Prospect..Active: at most 1 per 30 days\n");
        formatted.ShouldContain("never A with B within 3 weeks\n");
        formatted.ShouldContain("never B after A within 90 days /* spacing */\n");
        formatted.ShouldContain("quiet Phone 20:00..09:00, Sunday, Saturday\n");
        PolicyFormatter.Format(SourceText.From(formatted)).FormattedText.ShouldBe(formatted);
        TestPolicy.Compile(formatted).Diagnostics.Select(d => d.Id).ShouldBe(TestPolicy.Compile(Messy).Diagnostics.Select(d => d.Id));
    }
}

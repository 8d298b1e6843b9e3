using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// The language v2 contact rules through /v1 check, reserve and rank: consent channels, never rules, quiet hours,
/// household and scoped limits, over samples/retail-bank.owner and Policies/contact-rules.owner (every v2 rule in
/// one policy), at a clock the test sets (Wednesday 2027-03-03 12:00 UTC unless a test moves it).
/// </summary>
public sealed class ContactRulesApiTests : IDisposable
{
    private static readonly DateTimeOffset Wednesday = new(2027, 3, 3, 12, 0, 0, TimeSpan.Zero);
    private const string Rules = "tests/AccountabilityDsl.Serve.Tests/Policies/contact-rules.owner";
    private static readonly object MassMarket = new { assets = 100000 };

    private readonly ManualClock _clock = new(Wednesday);
    private readonly ServeFactory _factory;

    public ContactRulesApiTests() => _factory = new(["samples/retail-bank.owner", "contact-rules.owner"], clock: _clock);

    [Fact]
    public async Task A_consent_channel_without_consents_is_a_400_naming_the_field_and_the_rule()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement problem) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Telemarketing", stage = "Active" });

        status.ShouldBe(400);
        problem.Str("field").ShouldBe("consents");
        problem.Str("detail").ShouldContain($"channel Telemarketing requires consent (contact-rules.owner:{LineOf(Rules, "channel Telemarketing")})");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["consents"]);
    }

    [Fact]
    public async Task A_consent_channel_is_allowed_with_the_customers_consent_and_denied_without_it()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement consented) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Telemarketing", stage = "Active", consents = new[] { "Email", "Telemarketing" } });
        status.ShouldBe(200);
        consented.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        (status, JsonElement refused) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Telemarketing", stage = "Active", consents = new[] { "Email" } });
        status.ShouldBe(200);
        refused.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        JsonElement decision = refused.GetProperty("decision");
        decision.Str("kind").ShouldBe("consent");
        decision.Str("file").ShouldBe("contact-rules.owner");
        decision.GetProperty("line").GetInt32().ShouldBe(LineOf(Rules, "channel Telemarketing"));
        decision.GetProperty("retryAt").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Scoped_limits_need_the_customer_or_segments_and_the_stage_and_a_bad_name_is_named()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement problem) = await client.Post("/v1/ContactRules/check", new { customerId = "c-1", channel = "Email", offer = "Saver" });
        status.ShouldBe(400);
        problem.Str("field").ShouldBe("segments");
        problem.Str("detail").ShouldContain($"the limit 'offers per customer in Affluent: at most 2 per 7 days' (contact-rules.owner:{LineOf(Rules, "limit offers per customer in Affluent")})");
        problem.GetProperty("errors").GetProperty("stage")[0].GetString()!.ShouldContain($"(contact-rules.owner:{LineOf(Rules, "limit contacts per customer at Onboarding")})");

        (status, JsonElement explicitly) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Email", offer = "Saver", segments = new[] { "MassMarket" }, stage = "Active" });
        status.ShouldBe(200);
        explicitly.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        (status, problem) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Email", segments = new[] { "MassMarkt" }, stage = "Active", consents = new[] { "Telemarketng" } });
        status.ShouldBe(400);
        problem.Str("field").ShouldBe("segments[0]");
        problem.GetProperty("errors").GetProperty("segments[0]")[0].GetString()!.ShouldContain("did you mean 'MassMarket'?");
        problem.GetProperty("errors").GetProperty("consents[0]")[0].GetString()!.ShouldContain("did you mean 'Telemarketing'?");

        (status, problem) = await client.Post("/v1/ContactRules/check",
            new { customerId = "c-1", channel = "Email", customer = MassMarket, segments = new[] { "MassMarket" }, stage = "Active" });
        status.ShouldBe(400);
        problem.Str("field").ShouldBe("segments");
    }

    [Fact]
    public async Task A_never_rule_denial_names_the_rule_and_the_earlier_offer_and_when_it_was_made()
    {
        HttpClient client = _factory.CreateClient();
        await ReserveAndCommit(client, "RetailBank", new { customerId = "c-7", channel = "DirectMail", offer = "BoatLoan", idempotencyKey = "boat" });
        _clock.Now = Wednesday.AddDays(100);

        (int status, JsonElement denied) = await client.Post("/v1/RetailBank/check", new { customerId = "c-7", channel = "Email", offer = "Remortgage" });

        status.ShouldBe(200);
        denied.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        JsonElement decision = denied.GetProperty("decision");
        decision.Str("kind").ShouldBe("exclusion");
        decision.Str("file").ShouldBe("retail-bank.owner");
        decision.GetProperty("line").GetInt32().ShouldBe(LineOf("samples/retail-bank.owner", "never Remortgage after BoatLoan"));
        decision.Str("earlierOffer").ShouldBe("BoatLoan");
        decision.GetProperty("earlierAt").GetDateTimeOffset().ShouldBe(Wednesday);
        decision.GetProperty("retryAt").GetDateTimeOffset().ShouldBe(Wednesday.AddDays(180));
        decision.GetProperty("denials").EnumerateArray().Select(d => d.Str("kind")).ShouldBe(["exclusion"]);
    }

    [Theory]
    [InlineData("2027-03-03T21:30:00Z", "2027-03-04T09:00:00+00:00")] // a Wednesday evening: the next morning
    [InlineData("2027-03-06T21:00:00Z", "2027-03-08T09:00:00+00:00")] // a Saturday evening: the quiet Sunday, then Monday 09:00
    [InlineData("2027-03-04T08:59:59Z", "2027-03-04T09:00:00+00:00")]
    public async Task A_quiet_hours_denial_says_exactly_when_the_channel_opens(string now, string retryAt)
    {
        HttpClient client = _factory.CreateClient();
        _clock.Now = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

        (int status, JsonElement denied) = await client.Post("/v1/RetailBank/reserve", new { customerId = "c-8", channel = "CallCentre", idempotencyKey = "call" });

        status.ShouldBe(200);
        denied.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        denied.GetProperty("reservation").ValueKind.ShouldBe(JsonValueKind.Null);
        JsonElement decision = denied.GetProperty("decision");
        decision.Str("kind").ShouldBe("quiet");
        decision.GetProperty("line").GetInt32().ShouldBe(LineOf("samples/retail-bank.owner", "quiet CallCentre"));
        decision.Str("retryAt").ShouldBe(retryAt);

        _clock.Now = DateTimeOffset.Parse(retryAt, System.Globalization.CultureInfo.InvariantCulture);
        (await client.Post("/v1/RetailBank/check", new { customerId = "c-8", channel = "CallCentre" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_household_limit_counts_two_customers_with_one_household_id()
    {
        HttpClient client = _factory.CreateClient();
        await ReserveAndCommit(client, "ContactRules", new { customerId = "h-a", channel = "Email", offer = "BoatLoan", customer = MassMarket, stage = "Active", householdId = "H1", idempotencyKey = "1" });
        await ReserveAndCommit(client, "ContactRules", new { customerId = "h-a", channel = "Email", offer = "Saver", customer = MassMarket, stage = "Active", householdId = "H1", idempotencyKey = "2" });
        await ReserveAndCommit(client, "ContactRules", new { customerId = "h-b", channel = "Email", offer = "Saver", customer = MassMarket, stage = "Active", householdId = "H1", idempotencyKey = "3" });

        (int status, JsonElement denied) = await client.Post("/v1/ContactRules/reserve",
            new { customerId = "h-b", channel = "Email", offer = "BoatLoan", customer = MassMarket, stage = "Active", householdId = "H1", idempotencyKey = "4" });

        status.ShouldBe(200);
        denied.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        JsonElement decision = denied.GetProperty("decision");
        decision.Str("kind").ShouldBe("limit");
        decision.GetProperty("line").GetInt32().ShouldBe(LineOf(Rules, "limit offers per household"));
        decision.GetProperty("count").GetInt32().ShouldBe(3);
        decision.GetProperty("cap").GetInt32().ShouldBe(3);
        decision.GetProperty("retryAt").GetDateTimeOffset().ShouldBe(Wednesday.AddDays(14));

        // The same customer in a household of one (no householdId) has one offer of their own.
        (await client.Post("/v1/ContactRules/check", new { customerId = "h-b", channel = "Email", offer = "BoatLoan", customer = MassMarket, stage = "Active" }))
            .Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Ranking_needs_the_consents_when_a_channel_requires_consent_and_skips_the_channel_without_it()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement problem) = await client.Post("/v1/ContactRules/offers/rank", new { customerId = "r-1", customer = MassMarket, stage = "Active" });
        status.ShouldBe(400);
        problem.Str("field").ShouldBe("consents");

        (status, JsonElement ranked) = await client.Post("/v1/ContactRules/offers/rank",
            new { customerId = "r-1", customer = MassMarket, stage = "Active", consents = Array.Empty<string>(), householdId = "H9" });
        status.ShouldBe(200);
        JsonElement telemarketing = ranked.GetProperty("offers").EnumerateArray().First(o => o.Str("channel") == "Telemarketing");
        telemarketing.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        telemarketing.GetProperty("decision").Str("kind").ShouldBe("consent");
        ranked.GetProperty("offers").EnumerateArray().First(o => o.Str("channel") == "Email").GetProperty("allowed").GetBoolean().ShouldBeTrue();
    }

    private static async Task ReserveAndCommit(HttpClient client, string policy, object contact)
    {
        (int status, JsonElement reserved) = await client.Post($"/v1/{policy}/reserve", contact);
        status.ShouldBe(200);
        reserved.GetProperty("allowed").GetBoolean().ShouldBeTrue(reserved.ToString());
        (await client.Post($"/v1/{policy}/commit", new { reservation = reserved.Str("reservation") })).Body.Str("outcome").ShouldBe("committed");
    }

    private static int LineOf(string file, string start) =>
        File.ReadAllLines(Path.Combine(AccountabilityDsl.Tests.Infrastructure.Baseline.RepoRoot, file)).ToList().FindIndex(l => l.StartsWith(start, StringComparison.Ordinal)) + 1;

    public void Dispose() => _factory.Dispose();
}

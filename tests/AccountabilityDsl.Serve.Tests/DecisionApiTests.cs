using System.Text.Json;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>The /v1 API over samples/retail-bank.owner, in process, with a real SQLite ledger.</summary>
public sealed class DecisionApiTests : IDisposable
{
    private readonly ServeFactory _factory = new(["samples/retail-bank.owner"]);

    [Fact]
    public async Task Policies_lists_the_loaded_policy_with_its_file_hash_and_diagnostics()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement body) = await client.Get("/v1/policies");

        status.ShouldBe(200);
        JsonElement policy = body.GetProperty("policies").EnumerateArray().Single();
        policy.Str("name").ShouldBe("RetailBank");
        policy.Str("status").ShouldBe("serving");
        policy.GetProperty("files")[0].GetString().ShouldBe(_factory.PolicyPath("retail-bank.owner"));
        policy.Str("contentHash").ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_factory.PolicyPath("retail-bank.owner")))));
        policy.GetProperty("diagnostics").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Reserve_then_commit_records_the_contact_and_the_next_check_is_denied_citing_the_owner_line()
    {
        HttpClient client = _factory.CreateClient();
        var contact = new { customerId = "c-1", channel = "Email" };

        (int status, JsonElement check) = await client.Post("/v1/RetailBank/check", contact);
        status.ShouldBe(200);
        check.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        (status, JsonElement reserved) = await client.Post("/v1/RetailBank/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "send-1" });
        status.ShouldBe(200);
        reserved.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        string reservation = reserved.Str("reservation");

        (status, JsonElement again) = await client.Post("/v1/RetailBank/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "send-1" });
        again.Str("reservation").ShouldBe(reservation);
        again.GetProperty("repeat").GetBoolean().ShouldBeTrue();

        (status, JsonElement committed) = await client.Post("/v1/RetailBank/commit", new { reservation });
        status.ShouldBe(200);
        committed.Str("outcome").ShouldBe("committed");
        (await client.Post("/v1/RetailBank/commit", new { reservation })).Body.Str("outcome").ShouldBe("alreadyCommitted");

        (status, JsonElement denied) = await client.Post("/v1/RetailBank/check", contact);
        denied.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        JsonElement decision = denied.GetProperty("decision");
        int line = File.ReadAllLines(_factory.PolicyPath("retail-bank.owner")).ToList().FindIndex(l => l.StartsWith("limit Email per customer", StringComparison.Ordinal)) + 1;
        decision.Str("kind").ShouldBe("limit");
        decision.Str("file").ShouldBe("retail-bank.owner");
        decision.GetProperty("line").GetInt32().ShouldBe(line);
        decision.GetProperty("count").GetInt32().ShouldBe(1);
        decision.GetProperty("cap").GetInt32().ShouldBe(1);
        decision.Str("retryAt").ShouldNotBeNullOrEmpty();
        decision.Str("explanation").ShouldContain($"(retail-bank.owner:{line})");

        // Another customer is not affected; an exempt category is never blocked.
        (await client.Post("/v1/RetailBank/check", new { customerId = "c-2", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        JsonElement exempt = (await client.Post("/v1/RetailBank/check", new { customerId = "c-1", channel = "Email", category = "transactional" })).Body;
        exempt.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        exempt.GetProperty("decision").GetProperty("exempt").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Release_frees_the_slot_and_an_event_starts_the_cool_down()
    {
        HttpClient client = _factory.CreateClient();
        JsonElement reserved = (await client.Post("/v1/RetailBank/reserve", new { customerId = "c-3", channel = "Email", idempotencyKey = "k" })).Body;
        (await client.Post("/v1/RetailBank/check", new { customerId = "c-3", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeFalse();

        (await client.Post("/v1/RetailBank/release", new { reservation = reserved.Str("reservation") })).Body.GetProperty("released").GetBoolean().ShouldBeTrue();
        (await client.Post("/v1/RetailBank/check", new { customerId = "c-3", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        (int status, JsonElement gone) = await client.Post("/v1/RetailBank/commit", new { reservation = reserved.Str("reservation") });
        status.ShouldBe(404);
        gone.Str("field").ShouldBe("reservation");

        (status, JsonElement recorded) = await client.Post("/v1/RetailBank/events", new { customerId = "c-3", @event = "Complaint" });
        status.ShouldBe(200);
        recorded.Str("event").ShouldBe("Complaint");
        JsonElement cooled = (await client.Post("/v1/RetailBank/check", new { customerId = "c-3", channel = "DirectMail" })).Body;
        cooled.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        cooled.GetProperty("decision").Str("kind").ShouldBe("cooldown");
    }

    [Fact]
    public async Task Accountable_says_what_ownerc_explain_says()
    {
        HttpClient client = _factory.CreateClient();
        var customer = new Dictionary<string, object> { ["assets"] = 300000, ["tenure_years"] = 3, ["owns_boat"] = true, ["region"] = "North" };

        (int status, JsonElement body) = await client.Post("/v1/RetailBank/accountable", new { customer });

        status.ShouldBe(200);
        body.GetProperty("segments").EnumerateArray().Select(s => s.Str("name")).ShouldBe(["Affluent", "Boaters"]);
        JsonElement active = body.GetProperty("stages").EnumerateArray().Single(s => s.Str("stage") == "Active");
        active.Str("owner").ShouldBe("AffluentSegmentManager");
        JsonElement claim = active.GetProperty("owners")[0];
        claim.Str("declaration").ShouldStartWith("accountable AffluentSegmentManager for Affluent");
        // The declaration as decisions quote it: its text with runs of white space collapsed.
        string declared = File.ReadAllLines(_factory.PolicyPath("retail-bank.owner"))[claim.GetProperty("line").GetInt32() - 1];
        System.Text.RegularExpressions.Regex.Replace(declared, @"\s+", " ").ShouldStartWith(claim.Str("declaration"));
        body.GetProperty("stages").GetArrayLength().ShouldBe(4);

        // The explainer in the compiler library is the reference.
        PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.FromFile(_factory.PolicyPath("retail-bank.owner")));
        var explainer = new AccountabilityDsl.Explain.AccountabilityExplainer(compilation.Policy);
        string described = explainer.Describe(explainer.ParseCustomer("assets=300000,tenure_years=3,owns_boat=true,region=North", out _)!);
        described.ShouldContain($"Active      AffluentSegmentManager via Affluent (line {claim.GetProperty("line").GetInt32()})");
    }

    [Fact]
    public async Task Offers_are_ranked_with_their_gate_decisions()
    {
        HttpClient client = _factory.CreateClient();
        var customer = new Dictionary<string, object> { ["assets"] = 1000, ["tenure_years"] = 3, ["owns_boat"] = true, ["region"] = "East" };

        (int status, JsonElement body) = await client.Post("/v1/RetailBank/offers/rank", new { customerId = "c-9", customer, stage = "Active" });

        status.ShouldBe(200);
        JsonElement[] offers = [.. body.GetProperty("offers").EnumerateArray()];
        offers.ShouldNotBeEmpty();
        offers.Select(o => o.GetProperty("rank").GetInt32()).ShouldBe(Enumerable.Range(1, offers.Length));
        offers.ShouldContain(o => o.Str("offer") == "BoatLoan");
    }

    [Fact]
    public async Task Health_readiness_and_metrics()
    {
        HttpClient client = _factory.CreateClient();
        (await client.Get("/healthz")).Status.ShouldBe(200);
        (int status, JsonElement ready) = await client.Get("/readyz");
        status.ShouldBe(200);
        ready.Str("status").ShouldBe("ready");
        ready.GetProperty("policies").GetInt32().ShouldBe(1);

        await client.Post("/v1/RetailBank/check", new { customerId = "m-1", channel = "Email" });
        string metrics = (await client.Get("/metrics")).Body.GetString()!;

        metrics.ShouldContain("# TYPE contact_gate_decisions_total counter");
        metrics.ShouldContain("contact_gate_decisions_total{policy=\"RetailBank\",operation=\"check\",outcome=\"allowed\"}");
        metrics.ShouldContain("contact_gate_decision_duration_seconds_bucket{policy=\"RetailBank\",operation=\"check\",le=\"+Inf\"}");
        metrics.ShouldContain("# TYPE contact_gate_ledger_errors_total counter");
    }

    [Fact]
    public async Task A_failing_ledger_is_a_503_problem_counted_as_a_ledger_error()
    {
        HttpClient client = _factory.CreateClient();
        ((IContactLedger)_factory.Services.GetService(typeof(IContactLedger))!).Dispose();

        (int status, JsonElement problem) = await client.Post("/v1/RetailBank/check", new { customerId = "c-1", channel = "Email" });

        status.ShouldBe(503);
        problem.Str("title").ShouldBe("Decision unavailable");
        problem.GetRawText().ShouldNotContain(" at ");
        (await client.Get("/readyz")).Status.ShouldBe(503);
        (await client.Get("/metrics")).Body.GetString()!.ShouldContain("contact_gate_ledger_errors_total{policy=\"RetailBank\",operation=\"check\"} 1");
    }

    public void Dispose() => _factory.Dispose();
}

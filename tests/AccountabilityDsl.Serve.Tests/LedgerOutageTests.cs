using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;
using AccountabilityDsl.Testing;
using Microsoft.AspNetCore.Hosting;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// The PostgreSQL server stops while <c>ownerc serve</c> runs: decisions are answered (denied with reason
/// "ledger unavailable" by default; exempt categories pass), not failed with a 500; settling a reservation is a 503
/// to retry; readiness reports the ledger; once the server is back the service decides normally again.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LedgerOutageTests(PostgresCluster cluster)
{
    [SkippableFact]
    public async Task A_stopped_server_denies_with_reason_ledger_unavailable_until_it_is_back()
    {
        cluster.Require();
        using var factory = new ServeFactory(["replicas.owner"], ledger: "postgres:" + PostgresCollection.MigratedDatabase(cluster, "outage"));
        HttpClient client = factory.CreateClient();
        JsonElement held = (await client.Post("/v1/Replicas/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "before" })).Body;
        held.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        cluster.Stop();
        try
        {
            (int status, JsonElement check) = await client.Post("/v1/Replicas/check", new { customerId = "c-2", channel = "Email" });
            status.ShouldBe(200, check.GetRawText());
            check.GetProperty("allowed").GetBoolean().ShouldBeFalse();
            JsonElement decision = check.GetProperty("decision");
            decision.Str("kind").ShouldBe("ledgerUnavailable");
            decision.Str("rule").ShouldBe("ledger unavailable");
            decision.GetProperty("file").ValueKind.ShouldBe(JsonValueKind.Null);
            decision.Str("explanation").ShouldStartWith("denied: ledger unavailable: the PostgreSQL contact ledger is unavailable");

            (status, JsonElement reserve) = await client.Post("/v1/Replicas/reserve", new { customerId = "c-2", channel = "Sms", idempotencyKey = "during" });
            status.ShouldBe(200, reserve.GetRawText());
            reserve.GetProperty("allowed").GetBoolean().ShouldBeFalse();
            reserve.GetProperty("reservation").ValueKind.ShouldBe(JsonValueKind.Null);
            reserve.GetProperty("decision").Str("kind").ShouldBe("ledgerUnavailable");

            (status, JsonElement exempt) = await client.Post("/v1/Replicas/reserve", new { customerId = "c-2", channel = "Email", category = "transactional", idempotencyKey = "statement" });
            status.ShouldBe(200, exempt.GetRawText());
            exempt.GetProperty("allowed").GetBoolean().ShouldBeTrue("exempt categories are never counted, so they pass");
            (await client.Post("/v1/Replicas/commit", new { reservation = exempt.Str("reservation") })).Body.Str("outcome").ShouldBe("notRecorded");

            (status, JsonElement commit) = await client.Post("/v1/Replicas/commit", new { reservation = held.Str("reservation") });
            status.ShouldBe(503, "a commit's outcome is the ledger's to tell: retry it");
            commit.Str("title").ShouldBe("Decision unavailable");
            (await client.Get("/readyz")).Status.ShouldBe(503);
            (await client.Get("/metrics")).Body.GetString()!.ShouldContain("contact_gate_ledger_errors_total{policy=\"Replicas\",operation=\"check\"}");
        }
        finally
        {
            cluster.Start();
        }

        (await client.Post("/v1/Replicas/commit", new { reservation = held.Str("reservation") })).Body.Str("outcome").ShouldBe("committed");
        JsonElement after = (await client.Post("/v1/Replicas/reserve", new { customerId = "c-2", channel = "Sms", idempotencyKey = "during" })).Body;
        after.GetProperty("allowed").GetBoolean().ShouldBeTrue("nothing was counted during the outage");
        after.GetProperty("repeat").GetBoolean().ShouldBeFalse();
        (await client.Get("/readyz")).Status.ShouldBe(200);
    }

    [SkippableFact]
    public async Task The_host_can_choose_to_throw_instead_which_serve_answers_as_503()
    {
        cluster.Require();
        using var factory = new ServeFactory(["replicas.owner"], ledger: "postgres:" + PostgresCollection.MigratedDatabase(cluster, "outage"));
        using var throwing = factory.WithWebHostBuilder(web => web.UseSetting("ContactGate:WhenLedgerUnavailable", "Throw"));
        HttpClient client = throwing.CreateClient();
        (await client.Post("/v1/Replicas/check", new { customerId = "c-1", channel = "Email" })).Status.ShouldBe(200);

        cluster.Stop();
        try
        {
            (int status, JsonElement problem) = await client.Post("/v1/Replicas/check", new { customerId = "c-1", channel = "Email" });
            status.ShouldBe(503, problem.GetRawText());
            problem.Str("detail").ShouldContain("the contact ledger did not answer");
        }
        finally
        {
            cluster.Start();
        }
    }
}

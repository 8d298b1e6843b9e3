using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>200 concurrent reserve+commit calls for one customer under a cap of 2: exactly 2 succeed.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly ServeFactory _factory = new(["capped.owner"]);

    [Fact]
    public async Task Two_hundred_concurrent_reserve_and_commit_calls_allow_exactly_the_cap()
    {
        HttpClient client = _factory.CreateClient();

        bool[] sent = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => ReserveAndCommit(client, "one-customer", i))));

        sent.Count(s => s).ShouldBe(2);
        JsonElement check = (await client.Post("/v1/Capped/check", new { customerId = "one-customer", channel = "Email" })).Body;
        check.GetProperty("decision").GetProperty("count").GetInt32().ShouldBe(2);
    }

    internal static async Task<bool> ReserveAndCommit(HttpClient client, string customerId, int attempt)
    {
        (int status, JsonElement reserved) = await client.Post("/v1/Capped/reserve", new { customerId, channel = "Email", idempotencyKey = $"attempt-{attempt}" });
        status.ShouldBe(200, reserved.GetRawText());
        if (!reserved.GetProperty("allowed").GetBoolean())
        {
            reserved.GetProperty("decision").Str("kind").ShouldBe("limit");
            return false;
        }

        (status, JsonElement committed) = await client.Post("/v1/Capped/commit", new { reservation = reserved.Str("reservation") });
        status.ShouldBe(200, committed.GetRawText());
        return committed.Str("outcome") == "committed";
    }

    public void Dispose() => _factory.Dispose();
}

using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// Policy files are watched: a broken edit is reported and the old version keeps serving; a good
/// edit replaces it; a reservation made under the old version commits under the new one.
/// </summary>
public sealed class HotReloadTests : IDisposable
{
    private const string EmailLimit = "limit Email per customer: at most 1 per 1 day calendar";
    private readonly ServeFactory _factory = new(["samples/retail-bank.owner"]);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_broken_edit_keeps_the_old_policy_serving_and_a_good_one_replaces_it()
    {
        HttpClient client = _factory.CreateClient();
        string path = _factory.PolicyPath("retail-bank.owner");
        string original = File.ReadAllText(path);
        original.ShouldContain(EmailLimit);
        string reservation = (await client.Post("/v1/RetailBank/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "before" })).Body.Str("reservation");
        string firstHash = await Policy(client, "contentHash");

        await File.WriteAllTextAsync(path, original + "\nsegment Broken where no_such_attribute > 1\n");
        await WaitFor(async () => await Policy(client, "status") == "serving-previous");

        JsonElement listed = (await client.Get("/v1/policies")).Body.GetProperty("policies")[0];
        listed.Str("contentHash").ShouldBe(firstHash);
        listed.GetProperty("diagnostics").EnumerateArray().ShouldContain(d => d.Str("severity") == "error" && d.Str("message").Contains("no_such_attribute"));
        (await client.Post("/v1/RetailBank/check", new { customerId = "c-2", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        await File.WriteAllTextAsync(path, original.Replace(EmailLimit, "limit Email per customer: at most 2 per 1 day calendar", StringComparison.Ordinal));
        await WaitFor(async () => await Policy(client, "status") == "serving" && await Policy(client, "contentHash") != firstHash);

        (await client.Post("/v1/RetailBank/commit", new { reservation })).Body.Str("outcome").ShouldBe("committed");
        (await client.Post("/v1/RetailBank/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "after" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        JsonElement third = (await client.Post("/v1/RetailBank/reserve", new { customerId = "c-1", channel = "Email", idempotencyKey = "third" })).Body;
        third.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        third.GetProperty("decision").GetProperty("cap").GetInt32().ShouldBe(2);
    }

    private static async Task<string> Policy(HttpClient client, string property) =>
        (await client.Get("/v1/policies")).Body.GetProperty("policies")[0].Str(property);

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the service did not reload the policy within 20 s");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _factory.Dispose();
}

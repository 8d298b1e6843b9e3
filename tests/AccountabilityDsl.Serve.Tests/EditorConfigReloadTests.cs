using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// The real <c>ownerc serve</c> reloads when an <c>.editorconfig</c> that applies to a served
/// policy changes, in the policy's folder or any folder above it: a severity change takes effect
/// as a policy edit does.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EditorConfigReloadTests : IDisposable
{
    /// <summary>Leaves customers with assets below 100 in no segment: OWN0103, a warning by default.</summary>
    private const string Policy = """
        policy Gaps
        attribute assets: int
        stages Active
        owner Sales
        channel Email
        segment Rich where assets >= 100
        accountable Sales for Rich at Active
        limit Email per customer: at most 1 per 1 day

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ownerc-serve-editorconfig-").FullName;

    [Fact]
    public async Task A_severity_change_in_an_applying_editorconfig_reloads_the_policy_like_an_edit()
    {
        string policies = Directory.CreateDirectory(Path.Combine(_directory, "policies")).FullName;
        File.WriteAllText(Path.Combine(policies, "gaps.owner"), Policy);
        using ServeProcess server = ServeProcess.Start(_directory, "policies/gaps.owner", "--urls", "http://127.0.0.1:0", "--ledger", "memory:").WaitUntilListening();
        using HttpClient client = server.Client();
        JsonElement served = await Listed(client);
        served.Str("status").ShouldBe("serving");
        Severities(served).ShouldBe(["OWN0103 warning"]);

        // A file above the served folder makes the warning an error: as after a broken edit, the version before keeps serving.
        File.WriteAllText(Path.Combine(_directory, ".editorconfig"), "[*.owner]\nowner_diagnostic.OWN0103.severity = error\n");
        JsonElement raised = await WaitFor(client, p => p.Str("status") == "serving-previous", server);
        Severities(raised).ShouldBe(["OWN0103 error"]);
        (await client.Post("/v1/Gaps/check", new { customerId = "c-1", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        // A nearer file in the policy's own folder silences it: the policy serves again, without the diagnostic.
        File.WriteAllText(Path.Combine(policies, ".editorconfig"), "[*.owner]\nowner_diagnostic.OWN0103.severity = none\n");
        JsonElement silenced = await WaitFor(client, p => p.Str("status") == "serving" && Severities(p).Count == 0, server);
        silenced.Str("contentHash").ShouldBe(served.Str("contentHash"));
        server.Output.ShouldNotContain("   at ");
    }

    private static async Task<JsonElement> Listed(HttpClient client) =>
        (await client.Get("/v1/policies")).Body.GetProperty("policies").EnumerateArray().ShouldHaveSingleItem();

    private static List<string> Severities(JsonElement policy) =>
        [.. policy.GetProperty("diagnostics").EnumerateArray().Select(d => $"{d.Str("id")} {d.Str("severity")}")];

    private static async Task<JsonElement> WaitFor(HttpClient client, Func<JsonElement, bool> condition, ServeProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            JsonElement policy = await Listed(client);
            if (condition(policy))
            {
                return policy;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the service did not reload within 20 s; /v1/policies lists {policy}\n{server.Output}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

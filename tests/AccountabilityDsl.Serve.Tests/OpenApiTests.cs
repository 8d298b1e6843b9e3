using System.Text.Json;
using System.Text.Json.Nodes;
using AccountabilityDsl.Serve.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>The OpenAPI document checked in at docs/openapi.json is the one the service serves.</summary>
public sealed class OpenApiTests : IDisposable
{
    private readonly ServeFactory _factory = new(["samples/retail-bank.owner"]);

    [Fact]
    public async Task The_served_document_equals_the_checked_in_one()
    {
        HttpClient client = _factory.CreateClient();
        string served = await client.GetStringAsync("/openapi/v1.json");
        string pretty = JsonNode.Parse(served)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
        string path = Path.Combine(Baseline.RepoRoot, "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("OWNER_ACCEPT_BASELINES") == "1")
        {
            await File.WriteAllTextAsync(path, pretty);
        }

        File.Exists(path).ShouldBeTrue("docs/openapi.json is missing; run the tests with OWNER_ACCEPT_BASELINES=1 to write it");
        pretty.ShouldBe((await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n"), "the API changed: run with OWNER_ACCEPT_BASELINES=1 and review docs/openapi.json");

        JsonNode document = JsonNode.Parse(served)!;
        foreach (string route in new[] { "/v1/policies", "/v1/{policy}/accountable", "/v1/{policy}/check", "/v1/{policy}/reserve", "/v1/{policy}/commit", "/v1/{policy}/release", "/v1/{policy}/events", "/v1/{policy}/offers/rank" })
        {
            document["paths"]![route].ShouldNotBeNull(route);
        }
    }

    public void Dispose() => _factory.Dispose();
}

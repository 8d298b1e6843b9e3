using System.Text.Json;
using AccountabilityDsl.Cli;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// samples/high-street-bank/ (core.owner, offers/boats.owner, offers/mortgages.owner, one policy) served from its
/// folder: loaded through the workspace as <c>ownerc check</c> loads it, one policy of three files, with check's
/// diagnostics, and hot reload that keeps the running version while any of its files is broken.
/// </summary>
public sealed class MultiFilePolicyTests : IDisposable
{
    private readonly ServeFactory _factory = new(["samples/high-street-bank"]);

    private string Core => _factory.PolicyPath("core.owner");

    private string Boats => _factory.PolicyPath(Path.Combine("offers", "boats.owner"));

    private string Mortgages => _factory.PolicyPath(Path.Combine("offers", "mortgages.owner"));

    [Fact]
    public async Task Three_files_naming_one_policy_are_served_as_one_policy_deciding_with_every_file_s_rules()
    {
        HttpClient client = _factory.CreateClient();

        JsonElement policies = (await client.Get("/v1/policies")).Body;

        JsonElement policy = policies.GetProperty("policies").EnumerateArray().ShouldHaveSingleItem();
        policy.Str("name").ShouldBe("HighStreetBank");
        policy.Str("status").ShouldBe("serving");
        policy.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldBe([Core, Boats, Mortgages]);
        policy.GetProperty("diagnostics").GetArrayLength().ShouldBe(0);
        policies.GetProperty("inputErrors").GetArrayLength().ShouldBe(0);

        // The offer and its limit are declared in offers/mortgages.owner, the channel and the owners in core.owner.
        var remortgage = new { customerId = "c-1", channel = "DirectMail", offer = "Remortgage" };
        (await Reserve(client, remortgage, "first")).GetProperty("allowed").GetBoolean().ShouldBeTrue();
        JsonElement second = await Reserve(client, remortgage, "second");
        second.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        JsonElement decision = second.GetProperty("decision");
        decision.Str("rule").ShouldBe("offer Remortgage per customer: at most 1 per 180 days");
        decision.Str("file").ShouldBe("offers/mortgages.owner");
        decision.GetProperty("line").GetInt32().ShouldBe(LineOf(Mortgages, "limit Remortgage per customer"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task An_error_in_one_file_keeps_the_whole_policy_serving_with_the_diagnostics_ownerc_check_reports()
    {
        HttpClient client = _factory.CreateClient();
        string firstHash = (await Policy(client)).Str("contentHash");
        string original = await File.ReadAllTextAsync(Boats);

        await File.WriteAllTextAsync(Boats, original.Replace("to Boaters at Active", "to Sailors at Active", StringComparison.Ordinal));
        await WaitFor(client, p => p.Str("status") == "serving-previous");

        JsonElement policy = await Policy(client);
        policy.Str("contentHash").ShouldBe(firstHash);
        Summaries(policy.GetProperty("diagnostics")).ShouldBe(CheckDiagnostics());
        Summaries(policy.GetProperty("diagnostics")).ShouldContain(d => d.StartsWith("OWN0002 error unknown segment 'Sailors' " + Boats + ":5:", StringComparison.Ordinal));
        (await Reserve(client, new { customerId = "c-2", channel = "Email", offer = "BoatLoan" }, "old")).GetProperty("allowed").GetBoolean().ShouldBeTrue("the previous version, with its BoatLoan offer, keeps serving");

        await File.WriteAllTextAsync(Boats, original.Replace("priority 40", "priority 45", StringComparison.Ordinal));
        await WaitFor(client, p => p.Str("status") == "serving" && p.Str("contentHash") != firstHash);
        (await Policy(client)).GetProperty("files").GetArrayLength().ShouldBe(3);
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("offers/boats.owner")]
    [InlineData("core.owner")]
    public async Task A_file_whose_header_breaks_cannot_silently_drop_out_of_its_policy(string file)
    {
        HttpClient client = _factory.CreateClient();
        string firstHash = (await Policy(client)).Str("contentHash");
        string path = _factory.PolicyPath(file);
        string original = await File.ReadAllTextAsync(path);

        // Without its header, the file is no longer part of HighStreetBank. Without boats.owner, the other two compile
        // cleanly, but serving them would drop the BoatLoan offer unnoticed.
        await File.WriteAllTextAsync(path, original.Replace("policy HighStreetBank", "polcy HighStreetBank", StringComparison.Ordinal));
        await WaitFor(client, p => p.Str("status") == "serving-previous");

        JsonElement policy = await Policy(client);
        policy.Str("contentHash").ShouldBe(firstHash);
        if (file == "offers/boats.owner")
        {
            policy.Str("error").ShouldBe($"{Boats} was part of policy HighStreetBank and cannot be read or has errors; the previous version keeps serving");
        }

        (await client.Get("/v1/policies")).Body.GetProperty("policies").EnumerateArray()
            .ShouldContain(p => p.Str("status") == "rejected" && p.GetProperty("files")[0].GetString() == path);
        (await Reserve(client, new { customerId = "c-3", channel = "Email", offer = "BoatLoan" }, "old")).GetProperty("allowed").GetBoolean().ShouldBeTrue();

        await File.WriteAllTextAsync(path, original);
        await WaitFor(client, p => p.Str("status") == "serving" && p.Str("contentHash") == firstHash);
    }

    /// <summary>What <c>ownerc check --format json</c> reports for the served folder, as "id severity message file:line:column".</summary>
    private List<string> CheckDiagnostics()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        CommandLine.Run(["check", "--format", "json", _factory.Directory], stdout, stderr, _factory.Directory).ShouldBe(1, stderr.ToString());
        return Summaries(JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("diagnostics"));
    }

    private static List<string> Summaries(JsonElement diagnostics) =>
        [.. diagnostics.EnumerateArray().Select(d =>
            $"{d.Str("id")} {d.Str("severity")} {d.Str("message")} {d.Str("file")}:{d.GetProperty("line").GetInt32()}:{d.GetProperty("column").GetInt32()}")];

    private static int LineOf(string file, string start) =>
        File.ReadAllLines(file).ToList().FindIndex(l => l.StartsWith(start, StringComparison.Ordinal)) + 1;

    private static async Task<JsonElement> Reserve(HttpClient client, object contact, string key)
    {
        var body = JsonSerializer.SerializeToElement(contact).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value.GetString()!);
        body["idempotencyKey"] = key;
        (int status, JsonElement reserved) = await client.Post("/v1/HighStreetBank/reserve", body);
        status.ShouldBe(200, reserved.GetRawText());
        return reserved;
    }

    private static async Task<JsonElement> Policy(HttpClient client) =>
        (await client.Get("/v1/policies")).Body.GetProperty("policies").EnumerateArray()
            .Single(p => p.GetProperty("name").ValueKind == JsonValueKind.String && p.Str("name") == "HighStreetBank");

    private static async Task WaitFor(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition(await Policy(client)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the service did not reload within 20 s: " + (await client.Get("/v1/policies")).Body.GetRawText());
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _factory.Dispose();
}

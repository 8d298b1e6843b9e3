using System.Text.Json;
using AccountabilityDsl.Serve.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>The real `ownerc serve` process, driven over HTTP.</summary>
[Trait("Category", "Slow")]
public sealed class ProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ownerc-serve-process-").FullName;

    [Fact]
    public async Task Serves_the_sample_decides_and_stops_cleanly_on_SIGTERM()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "samples"));
        File.Copy(Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner"), Path.Combine(_directory, "samples", "retail-bank.owner"));
        using ServeProcess server = ServeProcess.Start(_directory, "samples/retail-bank.owner", "--urls", "http://127.0.0.1:0").WaitUntilListening();
        using HttpClient client = server.Client();

        (await client.Get("/v1/policies")).Body.GetProperty("policies")[0].Str("name").ShouldBe("RetailBank");
        JsonElement reserved = (await client.Post("/v1/RetailBank/reserve", new { customerId = "p-1", channel = "Email", idempotencyKey = "k" })).Body;
        reserved.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        (await client.Post("/v1/RetailBank/commit", new { reservation = reserved.Str("reservation") })).Body.Str("outcome").ShouldBe("committed");
        (await client.Post("/v1/RetailBank/check", new { customerId = "p-1", channel = "Email" })).Body.GetProperty("allowed").GetBoolean().ShouldBeFalse();

        server.Terminate().ShouldBe(0, server.Output);
        server.Output.ShouldContain("Application is shutting down");
        server.Output.ShouldNotContain("   at ");
        File.Exists(Path.Combine(_directory, "ownerc-ledger.db")).ShouldBeTrue("the default ledger is SQLite in the working folder");
    }

    [Fact]
    public async Task Two_server_processes_sharing_one_ledger_allow_exactly_the_cap_across_200_concurrent_calls()
    {
        File.Copy(ServeFactory.Source("capped.owner"), Path.Combine(_directory, "capped.owner"));
        string ledger = "sqlite:" + Path.Combine(_directory, "shared.db");
        using ServeProcess first = ServeProcess.Start(_directory, "capped.owner", "--urls", "http://127.0.0.1:0", "--ledger", ledger).WaitUntilListening();
        using ServeProcess second = ServeProcess.Start(_directory, "capped.owner", "--urls", "http://127.0.0.1:0", "--ledger", ledger).WaitUntilListening();
        using HttpClient a = first.Client();
        using HttpClient b = second.Client();

        bool[] sent = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => ConcurrencyTests.ReserveAndCommit(i % 2 == 0 ? a : b, "shared-customer", i))));

        sent.Count(s => s).ShouldBe(2);
        first.Terminate().ShouldBe(0, first.Output);
        second.Terminate().ShouldBe(0, second.Output);
    }

    [Fact]
    public void A_public_address_without_a_token_is_refused()
    {
        File.Copy(ServeFactory.Source("capped.owner"), Path.Combine(_directory, "capped.owner"));
        using ServeProcess server = ServeProcess.Start(_directory, "capped.owner", "--urls", "http://0.0.0.0:0");

        server.WaitForExit().ShouldBe(2);
        server.Output.ShouldContain("ownerc: error: 'http://0.0.0.0:0' is not a loopback address; serving beyond this machine needs --token-file <file>");
        server.Output.ShouldNotContain("Exception");
    }

    [Fact]
    public void An_address_in_use_is_one_error_line_and_exit_code_2()
    {
        File.Copy(ServeFactory.Source("capped.owner"), Path.Combine(_directory, "capped.owner"));
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        string url = $"http://127.0.0.1:{((System.Net.IPEndPoint)occupant.LocalEndpoint).Port}";
        using ServeProcess server = ServeProcess.Start(_directory, "capped.owner", "--urls", url, "--ledger", "memory:");

        server.WaitForExit().ShouldBe(2, server.Output);
        server.ErrorOutput.ShouldStartWith($"ownerc: error: cannot listen on {url}: ", Case.Sensitive, server.Output);
        server.ErrorOutput.TrimEnd('\n').Split('\n').Length.ShouldBe(1, server.Output);
        server.Output.ShouldNotContain("fail:");
        server.Output.ShouldNotContain("Exception");
        server.Output.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("typo.owner", "policy Typo\nsegmant Young where age < 30\n", "typo.owner(2,1): error OWN0001: ")]
    [InlineData("empty.owner", "", "empty.owner(1,1): error OWN")]
    public void Nothing_that_compiles_at_start_up_prints_the_diagnostics_and_exits_with_2(string file, string text, string diagnostic)
    {
        File.WriteAllText(Path.Combine(_directory, file), text);
        using ServeProcess server = ServeProcess.Start(_directory, file, "--urls", "http://127.0.0.1:0", "--ledger", "memory:");

        server.WaitForExit().ShouldBe(2, server.Output);
        server.ErrorOutput.ShouldContain(diagnostic, Case.Sensitive, server.Output);
        server.ErrorOutput.ShouldEndWith("ownerc: error: no policy compiles without errors; nothing to serve\n", Case.Sensitive, server.Output);
        server.Output.ShouldNotContain("Now listening");
    }

    [Fact]
    public async Task A_broken_edit_says_why_in_the_error_field_and_its_fix_is_logged_as_served_again()
    {
        string path = Path.Combine(_directory, "capped.owner");
        File.Copy(ServeFactory.Source("capped.owner"), path);
        string original = File.ReadAllText(path);
        using ServeProcess server = ServeProcess.Start(_directory, "capped.owner", "--urls", "http://127.0.0.1:0", "--ledger", "memory:").WaitUntilListening();
        using HttpClient client = server.Client();

        File.WriteAllText(path, original + "\ngarbage here\n");
        JsonElement broken = await WaitForPolicy(client, p => p.Str("status") == "serving-previous");
        broken.Str("error").ShouldStartWith("capped.owner has 1 error; the previous version of policy ");
        server.Output.ShouldContain("capped.owner has 1 error; the previous version");

        File.WriteAllText(path, original);
        JsonElement fixedAgain = await WaitForPolicy(client, p => p.Str("status") == "serving");
        fixedAgain.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        server.Output.ShouldContain("from capped.owner again");
        server.Terminate().ShouldBe(0, server.Output);
    }

    private static async Task<JsonElement> WaitForPolicy(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            JsonElement policy = (await client.Get("/v1/policies")).Body.GetProperty("policies")[0];
            if (condition(policy))
            {
                return policy;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the service did not reload the policy within 20 s: " + policy);
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

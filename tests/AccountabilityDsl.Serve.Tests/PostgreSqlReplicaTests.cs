using System.Text.Json;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Serve.Tests.Infrastructure;
using AccountabilityDsl.Testing;
using Npgsql;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// <c>ownerc serve --ledger postgres:…</c>: two real server processes (separate connection pools,
/// nothing shared but the database, as two replicas on two machines) on one PostgreSQL ledger.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgreSqlReplicaTests(PostgresCluster cluster) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ownerc-serve-pg-").FullName;

    [SkippableFact]
    public async Task Two_replicas_racing_for_the_last_slot_of_a_customer_and_of_a_channel_capacity_grant_exactly_the_cap()
    {
        cluster.Require();
        string connection = PostgresCollection.MigratedDatabase(cluster, "serve");
        File.Copy(ServeFactory.Source("replicas.owner"), Path.Combine(_directory, "replicas.owner"));
        string[] args = ["replicas.owner", "--urls", "http://127.0.0.1:0", "--ledger", "postgres:" + connection];
        using ServeProcess first = ServeProcess.Start(_directory, args);
        using ServeProcess second = ServeProcess.Start(_directory, args);
        using HttpClient a = first.WaitUntilListening().Client();
        using HttpClient b = second.WaitUntilListening().Client();

        // All but the last slot taken through the first replica: Email's cap is 2 per customer, Sms's capacity 5 per year.
        (await Reserve(a, "last-slot", "Email", "filler")).ShouldBeTrue();
        for (int i = 0; i < 4; i++)
        {
            (await Reserve(a, $"filler-{i}", "Sms", "filler")).ShouldBeTrue();
        }

        // 60 calls from each replica for the customer's last Email slot, and 60 (different customers) for Sms's last slot.
        bool[] email = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(() => Reserve(i % 2 == 0 ? a : b, "last-slot", "Email", $"race-{i}"))));
        bool[] sms = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(() => Reserve(i % 2 == 0 ? a : b, $"racer-{i}", "Sms", $"race-{i}"))));

        email.Count(granted => granted).ShouldBe(1);
        sms.Count(granted => granted).ShouldBe(1);
        JsonElement customer = (await b.Post("/v1/Replicas/check", new { customerId = "last-slot", channel = "Email" })).Body.GetProperty("decision");
        (customer.GetProperty("count").GetInt32(), customer.GetProperty("cap").GetInt32()).ShouldBe((2, 2));
        JsonElement channel = (await a.Post("/v1/Replicas/check", new { customerId = "someone-else", channel = "Sms" })).Body.GetProperty("decision");
        (channel.Str("kind"), channel.GetProperty("count").GetInt32(), channel.GetProperty("cap").GetInt32()).ShouldBe(("capacity", 5, 5));
        Scalar(connection, "SELECT count(*) FROM contact_ledger.contacts WHERE counted").ShouldBe(2L + 5L);

        first.Terminate().ShouldBe(0, first.Output);
        second.Terminate().ShouldBe(0, second.Output);
    }

    [SkippableFact]
    public void A_database_without_the_ledger_schema_is_refused_with_the_versioned_message_and_exit_2()
    {
        cluster.Require();
        string connection = cluster.ConnectionString(cluster.CreateDatabase("unmigrated"));
        File.Copy(ServeFactory.Source("replicas.owner"), Path.Combine(_directory, "replicas.owner"));

        using ServeProcess server = ServeProcess.Start(_directory, "replicas.owner", "--urls", "http://127.0.0.1:0", "--ledger", "postgres:" + connection);

        server.WaitForExit().ShouldBe(2);
        server.Output.ShouldContain(
            $"ownerc: error: cannot open the ledger 'postgres:{connection}': the database has no contact ledger schema \"contact_ledger\" (this library needs version {PostgreSqlLedgerSchema.Version}); create it with: ownerc ledger migrate --postgres \"<connection string>\"");
        server.Output.ShouldNotContain("   at ");
        server.Output.ShouldNotContain("Exception");
    }

    private static long Scalar(string connection, string sql)
    {
        using var conn = new NpgsqlConnection(connection);
        conn.Open();
        using var command = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<bool> Reserve(HttpClient client, string customerId, string channel, string key)
    {
        (int status, JsonElement reserved) = await client.Post("/v1/Replicas/reserve", new { customerId, channel, idempotencyKey = key });
        status.ShouldBe(200, reserved.GetRawText());
        return reserved.GetProperty("allowed").GetBoolean();
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

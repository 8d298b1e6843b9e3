using System.Diagnostics;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>One throw-away PostgreSQL cluster for the tests of this project that need a server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}

/// <summary>The offer desk sample as a fleet: several desk processes sharing one PostgreSQL ledger.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class OfferDeskPostgresTests(PostgresCluster cluster)
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task Two_desks_started_at_once_on_one_database_send_three_offers_in_total_not_six()
    {
        cluster.Require();
        var db = cluster.CreateDatabase("desk");
        using (var conn = new Npgsql.NpgsqlConnection(cluster.ConnectionString(db)))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn);
        }

        var desks = Enumerable.Range(0, 2).Select(_ => StartDesk("postgres:" + cluster.ConnectionString(db))).ToList();
        var outputs = await Task.WhenAll(desks.Select(d => d.StandardOutput.ReadToEndAsync()));
        foreach (var desk in desks)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await desk.WaitForExitAsync(timeout.Token);
            desk.ExitCode.ShouldBe(0, await desk.StandardError.ReadToEndAsync());
            desk.Dispose();
        }

        // The story's customer (the lines before its summary): three offers between both desks. The scenes after it
        // send the same contacts once, whichever desk gets there first.
        int storySent = outputs.Sum(o => SentLines(o[..o.IndexOf("17 offers proposed by 4 product managers", StringComparison.Ordinal)]));
        storySent.ShouldBe(3, string.Join("\n----\n", outputs));
        cluster.Psql(db, "SELECT count(*) FROM contact_ledger.contacts WHERE committed AND customer = 'customer-1042'").ShouldBe("3");
        cluster.Psql(db, "SELECT count(*) FROM contact_ledger.contacts WHERE committed")
            .ShouldBe(outputs.Sum(SentLines).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task A_desk_on_a_database_without_the_ledger_schema_says_how_to_create_it()
    {
        cluster.Require();
        var db = cluster.CreateDatabase("desk");
        using var desk = StartDesk("postgres:" + cluster.ConnectionString(db));
        var stderr = await desk.StandardError.ReadToEndAsync();
        await desk.WaitForExitAsync();
        desk.ExitCode.ShouldBe(1);
        stderr.ShouldContain("ownerc ledger migrate --postgres");
    }

    private static Process StartDesk(string ledger) => OfferDeskProcess.Start("--ledger", ledger);

    private static int SentLines(string output) => output.Split('\n').Count(l => l.EndsWith(" SENT", StringComparison.Ordinal));
}

using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Hosting;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Emit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

namespace AccountabilityDsl.Tests.Hosting;

/// <summary><c>services.AddContactGate&lt;TPolicy&gt;().UsePostgreSqlLedger(…)</c> on a real generic host and a real server.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgreSqlHostingTests(PostgresCluster cluster)
{
    [SkippableFact]
    public void The_gate_counts_in_the_database_the_configured_connection_string_names()
    {
        cluster.Require();
        string connection = cluster.ConnectionString(cluster.CreateDatabase("hosting"));
        using (var conn = new NpgsqlConnection(connection))
        {
            conn.Open();
            PostgreSqlLedgerSchema.Migrate(conn);
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ContactGate:PostgreSqlConnectionString"] = connection,
            ["ContactGate:TimeZone"] = "UTC",
        });
        builder.Services.AddContactGate<Policy>().UsePostgreSqlLedger();
        using IHost host = builder.Build();

        ObservedContactGate gate = host.Services.GetRequiredService<ObservedContactGate>();
        host.Services.GetRequiredService<IContactLedger>().ShouldBeOfType<PostgreSqlContactLedger>();
        var request = Policy.CreateRequest("c-1", Policy.Channel.Email, Policy.Offer.SaverPlus);
        ReservationResult reserved = gate.TryReserve(request, "k1");
        reserved.IsAllowed.ShouldBeTrue();
        gate.Commit(reserved.Reservation!).ShouldBe(CommitOutcome.Committed);

        // A second host (another replica) sees the contact.
        using var other = new PostgreSqlContactLedger(connection);
        other.Find("c-1", "k1").ShouldNotBeNull().IsCommitted.ShouldBeTrue();
        gate.Check(request).IsAllowed.ShouldBeFalse();
    }

    [SkippableFact]
    public void A_database_without_the_schema_is_refused_when_the_ledger_is_resolved_and_nothing_is_created()
    {
        cluster.Require();
        string connection = cluster.ConnectionString(cluster.CreateDatabase("hosting"));
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddContactGate<Policy>().UsePostgreSqlLedger(connection).Services
            .BuildServiceProvider();

        Should.Throw<LedgerSchemaException>(() => services.GetRequiredService<ContactGate>()).Message
            .ShouldContain("has no contact ledger schema \"contact_ledger\" (this library needs version");
        cluster.Psql(connection[(connection.LastIndexOf('=') + 1)..], "SELECT count(*) FROM pg_namespace WHERE nspname = 'contact_ledger'").ShouldBe("0");
    }

    [Fact]
    public void Without_a_connection_string_the_registration_says_where_to_put_one()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddContactGate<Policy>().UsePostgreSqlLedger().Services
            .BuildServiceProvider();

        Should.Throw<InvalidOperationException>(() => services.GetRequiredService<ContactGate>()).Message
            .ShouldContain("ContactGate:PostgreSqlConnectionString");
    }
}

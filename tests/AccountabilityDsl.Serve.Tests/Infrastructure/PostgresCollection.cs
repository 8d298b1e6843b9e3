using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;
using Npgsql;

namespace AccountabilityDsl.Serve.Tests.Infrastructure;

/// <summary>One throw-away PostgreSQL cluster for the serve tests that need one, stopped and deleted afterwards.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";

    /// <summary>A new database with the ledger schema, as <c>ownerc ledger migrate</c> leaves it; returns its connection string.</summary>
    public static string MigratedDatabase(PostgresCluster cluster, string prefix)
    {
        string connection = cluster.ConnectionString(cluster.CreateDatabase(prefix));
        using var conn = new NpgsqlConnection(connection);
        conn.Open();
        PostgreSqlLedgerSchema.Migrate(conn);
        return connection;
    }
}

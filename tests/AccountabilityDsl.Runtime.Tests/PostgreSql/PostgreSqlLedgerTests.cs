using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.Runtime.Tests.PostgreSql;

/// <summary>The shared ledger contract, run against a real PostgreSQL server (one fresh schema per ledger).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlLedgerContractTests(PostgresCluster cluster) : LedgerContractTests
{
    private static int _schemas;

    protected override IContactLedger CreateLedgerCore()
    {
        cluster.Require();
        return new PostgreSqlContactLedger(cluster.ConnectionString(cluster.SharedDatabase),
            new PostgreSqlLedgerOptions(Schema: "contract" + Interlocked.Increment(ref _schemas), CreateIfMissing: true));
    }
}

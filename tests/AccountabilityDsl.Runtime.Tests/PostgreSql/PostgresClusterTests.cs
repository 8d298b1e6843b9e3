using AccountabilityDsl.Testing;

namespace AccountabilityDsl.Runtime.Tests.PostgreSql;

/// <summary>The throw-away cluster itself: reachable, isolated databases, survives an immediate restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresCluster cluster)
{
    [SkippableFact]
    public void Cluster_serves_fresh_databases_on_its_own_socket_and_port()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        cluster.Psql(db, "SELECT current_database()").ShouldBe(db);
        cluster.Psql(db, "SHOW port").ShouldBe(cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cluster.Psql(db, "SHOW unix_socket_directories").ShouldBe(cluster.Folder);
        cluster.Psql(db, "SHOW synchronous_commit").ShouldBe("on");
        File.Exists(Path.Combine(cluster.Folder, $".s.PGSQL.{cluster.Port}")).ShouldBeTrue();
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Immediate_restart_keeps_committed_rows()
    {
        cluster.Require();
        var db = cluster.CreateDatabase();
        cluster.Psql(db, "CREATE TABLE t (x int); INSERT INTO t VALUES (42);");
        cluster.RestartImmediate();
        cluster.Psql(db, "SELECT x FROM t").ShouldBe("42");
    }
}

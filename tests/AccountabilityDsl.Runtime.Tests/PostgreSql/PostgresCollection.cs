using AccountabilityDsl.Testing;

namespace AccountabilityDsl.Runtime.Tests.PostgreSql;

/// <summary>One throw-away PostgreSQL cluster for every test class in this collection, stopped and deleted afterwards.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}

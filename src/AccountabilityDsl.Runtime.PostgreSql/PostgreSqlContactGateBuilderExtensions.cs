using AccountabilityDsl.Runtime.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

// The namespace of ContactGateBuilder, beside UseSqliteLedger and UseInMemoryLedger.
namespace AccountabilityDsl.Runtime.Hosting;

/// <summary><c>services.AddContactGate&lt;TPolicy&gt;().UsePostgreSqlLedger(…)</c>: the hosted gate on a ledger a whole fleet shares.</summary>
public static class PostgreSqlContactGateBuilderExtensions
{
    /// <summary>
    /// A PostgreSQL ledger in the database <paramref name="connectionString"/> names, or
    /// <see cref="ContactGateOptions.PostgreSqlConnectionString"/> (configuration
    /// <c>ContactGate:PostgreSqlConnectionString</c>) when none is given. The schema must already be at
    /// this package's version (<c>ownerc ledger migrate --postgres "…"</c>): resolving the ledger throws
    /// <see cref="LedgerSchemaException"/> otherwise, naming both versions. The container creates it once and
    /// disposes it (and its connection pool).
    /// </summary>
    public static ContactGateBuilder UsePostgreSqlLedger(this ContactGateBuilder builder, string? connectionString = null, PostgreSqlLedgerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseLedger(sp =>
        {
            string? configured = connectionString ?? sp.GetRequiredService<IOptions<ContactGateOptions>>().Value.PostgreSqlConnectionString;
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new InvalidOperationException(
                    $"UsePostgreSqlLedger() needs a connection string: pass one, or set {ContactGateOptions.SectionName}:{nameof(ContactGateOptions.PostgreSqlConnectionString)} in configuration.");
            }

            return new PostgreSqlContactLedger(configured, options);
        });
    }

    /// <summary>
    /// A PostgreSQL ledger through the app's own <paramref name="dataSource"/> (its pool, its settings); the data
    /// source is not disposed with the ledger. The schema must already be at this package's version.
    /// </summary>
    public static ContactGateBuilder UsePostgreSqlLedger(this ContactGateBuilder builder, NpgsqlDataSource dataSource, PostgreSqlLedgerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseLedger(_ => new PostgreSqlContactLedger(dataSource, options));
    }
}

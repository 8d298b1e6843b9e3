using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// The namespace of ContactGateBuilder, so that `using AccountabilityDsl.Runtime.Hosting;` finds this
// extension as it found the method it replaces (it lived in the hosting package before).
namespace AccountabilityDsl.Runtime.Hosting;

/// <summary><c>services.AddContactGate&lt;TPolicy&gt;().UseSqliteLedger(…)</c>: the hosted gate on a SQLite ledger.</summary>
public static class SqliteContactGateBuilderExtensions
{
    /// <summary>
    /// A SQLite ledger in <paramref name="path"/>, or in <see cref="ContactGateOptions.SqlitePath"/>
    /// (configuration <c>ContactGate:SqlitePath</c>) when no path is given. Processes on one machine
    /// may share the file. The container creates it once and disposes it.
    /// </summary>
    public static ContactGateBuilder UseSqliteLedger(this ContactGateBuilder builder, string? path = null, SqliteLedgerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseLedger(sp => new SqliteContactLedger(path ?? sp.GetRequiredService<IOptions<ContactGateOptions>>().Value.SqlitePath, options));
    }
}

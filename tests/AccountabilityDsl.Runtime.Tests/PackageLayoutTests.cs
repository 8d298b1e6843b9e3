using System.Reflection;
using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>An app that uses only the in-memory ledger carries no SQLite: the SQLite ledger is a package of its own.</summary>
public sealed class PackageLayoutTests
{
    [Fact]
    public void The_runtime_assembly_references_no_SQLite_and_the_SQLite_ledger_lives_in_its_own_assembly()
    {
        var runtime = typeof(ContactGate).Assembly;
        runtime.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain(name => name!.Contains("Sqlite", StringComparison.OrdinalIgnoreCase));
        runtime.GetTypes().ShouldNotContain(t => t.Name.Contains("Sqlite", StringComparison.Ordinal));
        var sqlite = typeof(SqliteContactLedger).Assembly;
        sqlite.GetName().Name.ShouldBe("AccountabilityDsl.Runtime.Sqlite");
        typeof(SqliteContactLedger).Namespace.ShouldBe("AccountabilityDsl.Runtime");
        sqlite.GetReferencedAssemblies().Select(a => a.Name).ShouldContain("Microsoft.Data.Sqlite");
    }
}

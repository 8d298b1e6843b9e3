using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OfferDesk;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

// offer desk: replays the 17 offers in three weeks against the generated policy and a contact
// ledger: a SQLite file, or a PostgreSQL database shared by every desk of a fleet.
// Usage: dotnet run --project samples/OfferDesk [-- --ledger <file.db> | --ledger "postgres:Host=…;Database=…"]
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.PostgreSql;

string? ledgerPath = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--ledger" && i + 1 < args.Length)
    {
        ledgerPath = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: OfferDesk [--ledger <file.db> | --ledger \"postgres:<connection string>\"]");
        return 2;
    }
}

const string Postgres = "postgres:";
if (ledgerPath is not null && ledgerPath.StartsWith(Postgres, StringComparison.Ordinal))
{
    // The schema is created explicitly beforehand: ownerc ledger migrate --postgres "<connection string>".
    try
    {
        using var shared = new PostgreSqlContactLedger(ledgerPath[Postgres.Length..]);
        Console.WriteLine($"Offer desk for policy {Policy.PolicyName} ({Policy.SourceFile}), PostgreSQL ledger");
        Desk.Run(shared, "customer-1042", new Policy.Customer(Balance: 12_500m), Desk.SeventeenOffersInThreeWeeks,
            new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc, Console.Out);
        return 0;
    }
    catch (Exception e) when (e is LedgerSchemaException or LedgerUnavailableException or ArgumentException)
    {
        Console.Error.WriteLine("OfferDesk: " + e.Message);
        return 1;
    }
}

bool temporary = ledgerPath is null;
ledgerPath ??= Path.Combine(Path.GetTempPath(), $"offer-desk-{Guid.NewGuid():N}.db");
try
{
    // The gate as an app gets it: from the host's services, its options bound from configuration
    // (ContactGate:TimeZone, ContactGate:DefaultHoldSeconds), its clock the desk's simulated one.
    var start = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
    var clock = new SimulatedClock(start);
    HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
    builder.Configuration["ContactGate:TimeZone"] ??= "UTC";
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddSingleton<TimeProvider>(clock);
    builder.Services.AddContactGate<Policy>().UseSqliteLedger(ledgerPath);
    using (IHost host = builder.Build())
    {
        Console.WriteLine($"Offer desk for policy {Policy.PolicyName} ({Policy.SourceFile}), ledger {(temporary ? "(temporary) " : "")}{ledgerPath}");
        Desk.Run(
            host.Services.GetRequiredService<ObservedContactGate>(),
            clock,
            customerId: "customer-1042",
            customer: new Policy.Customer(Balance: 12_500m),
            Desk.SeventeenOffersInThreeWeeks,
            start,
            Console.Out);
    }

    return 0;
}
finally
{
    if (temporary)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { ledgerPath, ledgerPath + "-wal", ledgerPath + "-shm" })
        {
            File.Delete(file);
        }
    }
}

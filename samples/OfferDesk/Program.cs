using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OfferDesk;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

// offer desk: replays the 17 offers in three weeks against the generated policy and a contact
// ledger (a SQLite file, or a PostgreSQL database shared by every desk of a fleet), then one
// short scene per contact rule of language v2, each ending in that rule's denial.
// Usage: dotnet run --project samples/OfferDesk [-- --ledger <file.db> | --ledger "postgres:Host=…;Database=…"]
using AccountabilityDsl.Runtime;

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

// Both ledgers through the hosting package, as an app registers them: the SQLite file, or a PostgreSQL database
// whose schema was created beforehand (ownerc ledger migrate --postgres "<connection string>").
const string Postgres = "postgres:";
string? connectionString = ledgerPath is not null && ledgerPath.StartsWith(Postgres, StringComparison.Ordinal) ? ledgerPath[Postgres.Length..] : null;
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
    ContactGateBuilder gateBuilder = builder.Services.AddContactGate<Policy>();
    if (connectionString is not null)
    {
        gateBuilder.UsePostgreSqlLedger(connectionString);
    }
    else
    {
        gateBuilder.UseSqliteLedger(ledgerPath);
    }

    using (IHost host = builder.Build())
    {
        ObservedContactGate gate;
        try
        {
            gate = host.Services.GetRequiredService<ObservedContactGate>();
        }
        catch (Exception e) when (e is LedgerSchemaException or LedgerUnavailableException or ArgumentException)
        {
            Console.Error.WriteLine("OfferDesk: " + e.Message);
            return 1;
        }

        Console.WriteLine(connectionString is not null
            ? $"Offer desk for policy {Policy.PolicyName} ({Policy.SourceFile}), PostgreSQL ledger"
            : $"Offer desk for policy {Policy.PolicyName} ({Policy.SourceFile}), ledger {(temporary ? "(temporary) " : "")}{ledgerPath}");
        Desk.Run(gate, clock, Desk.StoryCustomer, Desk.SeventeenOffersInThreeWeeks, start, Console.Out);
        Desk.RunScenes(gate, clock, Desk.OneDenialPerRule, start, Console.Out);
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

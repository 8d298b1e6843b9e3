using AccountabilityDsl.Runtime;
using OfferDesk;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

// offer desk: replays the 17 offers in three weeks against the generated policy and a SQLite
// contact ledger. Usage: dotnet run --project samples/OfferDesk [-- --ledger <file.db>]
string? ledgerPath = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--ledger" && i + 1 < args.Length)
    {
        ledgerPath = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: OfferDesk [--ledger <file.db>]");
        return 2;
    }
}

bool temporary = ledgerPath is null;
ledgerPath ??= Path.Combine(Path.GetTempPath(), $"offer-desk-{Guid.NewGuid():N}.db");
try
{
    using (var ledger = new SqliteContactLedger(ledgerPath))
    {
        Console.WriteLine($"Offer desk for policy {Policy.PolicyName} ({Policy.SourceFile}), ledger {(temporary ? "(temporary) " : "")}{ledgerPath}");
        Desk.Run(
            ledger,
            customerId: "customer-1042",
            customer: new Policy.Customer(Balance: 12_500m),
            Desk.SeventeenOffersInThreeWeeks,
            start: new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero),
            TimeZoneInfo.Utc,
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

using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>
/// What one caller does per contact, for every ledger: <see cref="ContactGate.TryReserve"/> (the check and the
/// reservation in one ledger step: the idempotency key, the customer's cap and the channel's capacity) and then
/// <see cref="ContactGate.Commit"/>, as an app that sends between the two does.
/// </summary>
internal static class Workload
{
    public const string Channel = "Email";

    /// <summary>Distinct customers a run draws from: caps are almost never reached, so nearly every call commits.</summary>
    public const int Customers = 1_000_000;

    /// <summary>A per-customer cap and a channel capacity far from full (the striped, common path of a capacity).</summary>
    public static ContactPolicy Policy { get; } = new("ledger-bench", "ledger-bench.owner",
        limits: [new ContactLimit(LimitScope.Contacts, 3, new TimeWindow(30, TimeUnit.Day), new SourceLine("ledger-bench.owner", 1, "limit contacts per customer: at most 3 per 30 days"))],
        capacities: [new ChannelCapacity(Channel, 100_000_000, TimeUnit.Day, new SourceLine("ledger-bench.owner", 2, "channel Email capacity: at most 100000000 per day"))],
        channels: [Channel]);

    public static ContactGate Gate(IContactLedger ledger) => new(Policy, ledger, TimeProvider.System, TimeZoneInfo.Utc)
    {
        // A benchmark must see a failure, not count it as a denial.
        WhenLedgerUnavailable = LedgerUnavailableBehavior.Throw,
    };

    /// <summary>One contact; false when the gate denied it (a cap reached), which the report counts.</summary>
    public static bool ReserveAndCommit(ContactGate gate, string customer, string key)
    {
        var reserved = gate.TryReserve(new ContactRequest(customer, Channel), key);
        if (reserved.Reservation is not { } reservation)
        {
            return false;
        }
        var outcome = gate.Commit(reservation);
        return outcome == CommitOutcome.Committed
            ? true
            : throw new InvalidOperationException($"commit of {customer}/{key} answered {outcome}");
    }

    /// <summary>
    /// The one-call path: <see cref="ContactGate.TryRecord"/> checks and records the contact as made in one ledger step
    /// (one transaction, one commit flush), for hosts that send synchronously.
    /// </summary>
    public static bool Record(ContactGate gate, string customer, string key) =>
        gate.TryRecord(new ContactRequest(customer, Channel), key).IsAllowed;

    /// <summary>A customer id for the run called <paramref name="run"/> (each run has its own customers).</summary>
    public static string Customer(string run) => run + "-c" + Random.Shared.Next(Customers).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

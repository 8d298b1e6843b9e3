namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>
/// Settings of the contact gate, bound from the configuration section <c>ContactGate</c>
/// (appsettings.json, environment variables <c>ContactGate__DefaultHoldSeconds</c>, …).
/// </summary>
public sealed class ContactGateOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ContactGate";

    /// <summary>How long an uncommitted reservation counts, in seconds (default 300).</summary>
    public double DefaultHoldSeconds { get; set; } = 300;

    /// <summary>
    /// The time zone of calendar windows and channel capacities (an IANA or Windows id such as
    /// <c>Europe/Berlin</c>); empty for the host's local zone.
    /// </summary>
    public string? TimeZone { get; set; }

    /// <summary>The SQLite ledger file for <c>UseSqliteLedger()</c> without a path (default <c>contact-ledger.db</c>).</summary>
    public string SqlitePath { get; set; } = "contact-ledger.db";

    /// <summary>The PostgreSQL connection string for <c>UsePostgreSqlLedger()</c> without one (no default).</summary>
    public string? PostgreSqlConnectionString { get; set; }

    /// <summary>
    /// What the gate's decisions answer when the ledger cannot be reached: <c>Deny</c> (the default: denied with
    /// reason "ledger unavailable"), <c>Throw</c> (the <see cref="LedgerUnavailableException"/> reaches the caller) or
    /// <c>Allow</c> (fail open: allowed, not counted). Exempt categories pass under Deny and Allow.
    /// </summary>
    public LedgerUnavailableBehavior WhenLedgerUnavailable { get; set; } = LedgerUnavailableBehavior.Deny;

    /// <summary>A gate of <paramref name="policy"/> on <paramref name="ledger"/> with these options.</summary>
    public ContactGate CreateGate(ContactPolicy policy, IContactLedger ledger, TimeProvider clock) =>
        new(policy, ledger, clock, ResolveTimeZone(), DefaultHold) { WhenLedgerUnavailable = WhenLedgerUnavailable };

    /// <summary>The time zone named by <see cref="TimeZone"/>, or the local one.</summary>
    public TimeZoneInfo ResolveTimeZone() =>
        string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The default hold as a duration.</summary>
    public TimeSpan DefaultHold => DefaultHoldSeconds > 0
        ? TimeSpan.FromSeconds(DefaultHoldSeconds)
        : throw new InvalidOperationException($"{SectionName}:DefaultHoldSeconds must be positive, not {DefaultHoldSeconds}.");
}

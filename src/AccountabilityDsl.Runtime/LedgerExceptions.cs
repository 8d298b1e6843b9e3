namespace AccountabilityDsl.Runtime;

/// <summary>
/// The ledger could not be reached (connection refused or lost, server restarting or shutting down, too many
/// connections). Retryable: reserve and commit are idempotent per (customer, idempotency key), so repeating the same
/// call after this exception can neither count a contact twice nor lose one. When it is thrown by a commit, the
/// commit may or may not have happened: repeat it (it answers <see cref="CommitOutcome.AlreadyCommitted"/> if it had).
/// </summary>
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Always true: the same call may be repeated once the ledger is back.</summary>
    public bool IsRetryable => true;
}

/// <summary>
/// The ledger's stored schema is not the one this library understands: missing, older (run
/// <c>ownerc ledger migrate</c>), newer (upgrade the library), or not a contact ledger at all. Nothing is migrated
/// silently: a ledger opened on such a store refuses to work instead of reading rows in the wrong shape.
/// </summary>
public sealed class LedgerSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do, naming both versions.</param>
    /// <param name="foundVersion">The stored schema version (null when there is none or it is not a contact ledger).</param>
    /// <param name="expectedVersion">The version this library reads and writes.</param>
    public LedgerSchemaException(string message, int? foundVersion, int expectedVersion)
        : base(message)
    {
        FoundVersion = foundVersion;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The stored schema version, or null when there is none (or it is foreign).</summary>
    public int? FoundVersion { get; }

    /// <summary>The schema version this library reads and writes.</summary>
    public int ExpectedVersion { get; }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>
/// Healthy when the contact ledger answers a read (the latest time of an event no customer has);
/// unhealthy with the ledger's exception otherwise.
/// </summary>
public sealed class LedgerHealthCheck(IContactLedger ledger) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "contact-ledger";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            ledger.LastEvent("\u0000health", "\u0000probe");
            return Task.FromResult(HealthCheckResult.Healthy($"{ledger.GetType().Name} answers"));
        }
        catch (Exception e)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{ledger.GetType().Name} does not answer: {e.Message}", e));
        }
    }
}

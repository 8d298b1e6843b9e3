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

    private const string ProbeText = "\u001fhealth-probe";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // A text every ledger stores (a NUL would be answered without a query by a ledger that cannot store it),
            // starting with a control character no real customer id has.
            ledger.LastEvent(ProbeText, ProbeText);
            return Task.FromResult(HealthCheckResult.Healthy($"{ledger.GetType().Name} answers"));
        }
        catch (Exception e)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{ledger.GetType().Name} does not answer: {e.Message}", e));
        }
    }
}

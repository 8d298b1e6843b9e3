using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>The gate's log events (category <c>AccountabilityDsl.ContactGate</c>), with stable event ids.</summary>
internal static partial class ContactGateLog
{
    /// <summary>A denial, with the request's offer when it has one (a contact without an offer names none).</summary>
    public static void Denied(ILogger logger, string policy, string operation, string customerId, string channel, string? offer, string reason)
    {
        if (offer is null)
        {
            DeniedContact(logger, policy, operation, customerId, channel, reason);
        }
        else
        {
            DeniedOffer(logger, policy, operation, customerId, channel, offer, reason);
        }
    }

    // One event (1001, ContactDenied) whatever the request: two templates so that a contact without an
    // offer does not read "offer (null)". The generator warns about a reused event id and name; here that is the point.
#pragma warning disable SYSLIB1006, SYSLIB1025
    [LoggerMessage(EventId = 1001, EventName = "ContactDenied", Level = LogLevel.Information,
        Message = "Contact denied by policy {Policy} ({Operation}) for customer {CustomerId} via {Channel} with offer {Offer}: {Reason}")]
    private static partial void DeniedOffer(ILogger logger, string policy, string operation, string customerId, string channel, string offer, string reason);

    [LoggerMessage(EventId = 1001, EventName = "ContactDenied", Level = LogLevel.Information,
        Message = "Contact denied by policy {Policy} ({Operation}) for customer {CustomerId} via {Channel}: {Reason}")]
    private static partial void DeniedContact(ILogger logger, string policy, string operation, string customerId, string channel, string reason);
#pragma warning restore SYSLIB1006, SYSLIB1025

    [LoggerMessage(EventId = 1002, EventName = "LedgerError", Level = LogLevel.Error,
        Message = "Contact ledger failed during {Operation} for policy {Policy}")]
    public static partial void LedgerError(ILogger logger, Exception exception, string policy, string operation);
}

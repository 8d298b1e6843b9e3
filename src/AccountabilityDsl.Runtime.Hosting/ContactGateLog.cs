using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>The gate's log events (category <c>AccountabilityDsl.ContactGate</c>), with stable event ids.</summary>
internal static partial class ContactGateLog
{
    [LoggerMessage(EventId = 1001, EventName = "ContactDenied", Level = LogLevel.Information,
        Message = "Contact denied by policy {Policy} ({Operation}) for customer {CustomerId} via {Channel} offer {Offer}: {Reason}")]
    public static partial void Denied(ILogger logger, string policy, string operation, string customerId, string channel, string? offer, string reason);

    [LoggerMessage(EventId = 1002, EventName = "LedgerError", Level = LogLevel.Error,
        Message = "Contact ledger failed during {Operation} for policy {Policy}")]
    public static partial void LedgerError(ILogger logger, Exception exception, string policy, string operation);
}

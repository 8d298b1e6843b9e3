using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>Which limits count an offer's contacts, shared by the contact-policy rules.</summary>
internal static class LimitCoverage
{
    /// <summary>
    /// Limits that count every send of <paramref name="offer"/>, whatever channel it goes through:
    /// <c>offers</c>, <c>contacts</c> and the offer's own limits.
    /// </summary>
    public static IEnumerable<LimitSymbol> OfferWide(BoundPolicy policy, OfferSymbol offer) =>
        policy.Limits.Where(l => l.Scope is LimitScope.Offers or LimitScope.Contacts
            || (l.Scope == LimitScope.Offer && ReferenceEquals(l.Target, offer)));

    /// <summary>The limits on one channel.</summary>
    public static IEnumerable<LimitSymbol> OnChannel(BoundPolicy policy, ChannelSymbol channel) =>
        policy.Limits.Where(l => l.Scope == LimitScope.Channel && ReferenceEquals(l.Target, channel));

    /// <summary>How a limit is written, for messages: <c>at most 3 per 30 days</c>.</summary>
    public static string Describe(LimitSymbol limit) => $"at most {limit.MaxCount} per {limit.Window}";

    /// <summary>The scope as a message names it: <c>offers</c>, <c>contacts</c>, <c>channel Email</c>, <c>offer BoatLoan</c>.</summary>
    public static string DescribeScope(LimitSymbol limit) => limit.Scope switch
    {
        LimitScope.Channel => $"channel {limit.Target?.Name}",
        LimitScope.Offer => $"offer {limit.Target?.Name}",
        _ => limit.ScopeDisplay,
    };
}

using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// Which limits count an offer's contacts, shared by the contact-policy rules. Limits are
/// indexed by what they name once per policy, so asking for one offer or channel costs only
/// the limits that apply to it.
/// </summary>
internal sealed class LimitCoverage
{
    private readonly List<LimitSymbol> _everyContact = [];
    private readonly Dictionary<Symbol, List<LimitSymbol>> _byTarget = [];

    public LimitCoverage(BoundPolicy policy)
    {
        foreach (LimitSymbol limit in policy.Limits)
        {
            if (limit.Scope is LimitScope.Offers or LimitScope.Contacts)
            {
                _everyContact.Add(limit);
            }
            else if (limit.Target is { } target)
            {
                if (!_byTarget.TryGetValue(target, out List<LimitSymbol>? limits))
                {
                    _byTarget[target] = limits = [];
                }

                limits.Add(limit);
            }
        }
    }

    /// <summary>
    /// Limits that count every send of <paramref name="offer"/>, whatever channel it goes through:
    /// <c>offers</c>, <c>contacts</c> and the offer's own limits, in source order.
    /// </summary>
    public IEnumerable<LimitSymbol> OfferWide(OfferSymbol offer) =>
        _everyContact.Concat(_byTarget.GetValueOrDefault(offer) ?? []).OrderBy(l => l.Syntax.Span.Start);

    /// <summary>The limits on one channel.</summary>
    public IEnumerable<LimitSymbol> OnChannel(ChannelSymbol channel) => _byTarget.GetValueOrDefault(channel) ?? [];

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

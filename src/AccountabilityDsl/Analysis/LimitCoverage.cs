using System.Collections.Immutable;
using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// Which limits count an offer's contacts, shared by the contact-policy rules. Limits are
/// indexed by what they name once per policy, so asking for one offer or channel costs only
/// the limits that may apply to it. A limit counts an offer's sends only when its scope takes
/// in the offer (<c>contacts</c>, <c>offers</c>, the offer, or a group holding it) and its
/// <c>in</c>/<c>at</c> filter takes in every customer and stage the offer reaches: a limit on
/// Affluent customers does not cap an offer that also reaches MassMarket. A household limit
/// counts the customer's own contacts too (a household of one at least), so it caps them.
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
                continue;
            }

            IEnumerable<Symbol> targets = limit.Target switch
            {
                GroupSymbol group => group.Offers,
                { } target => [target],
                _ => [],
            };
            foreach (Symbol target in targets)
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
    /// <c>offers</c>, <c>contacts</c>, the offer's own limits and its groups' limits whose
    /// filter takes in the offer's whole audience, in source order.
    /// </summary>
    public IEnumerable<LimitSymbol> OfferWide(OfferSymbol offer) =>
        _everyContact.Concat(_byTarget.GetValueOrDefault(offer) ?? [])
            .Where(l => FilterTakesIn(l, offer))
            .OrderBy(l => l.Syntax.Span.Start);

    /// <summary>Every limit that names the channel, scoped or not, in source order.</summary>
    public IEnumerable<LimitSymbol> OnChannel(ChannelSymbol channel) => _byTarget.GetValueOrDefault(channel) ?? [];

    /// <summary>The limits on one channel that count every send of <paramref name="offer"/> through it.</summary>
    public IEnumerable<LimitSymbol> OnChannel(ChannelSymbol channel, OfferSymbol offer) =>
        (_byTarget.GetValueOrDefault(channel) ?? []).Where(l => FilterTakesIn(l, offer));

    /// <summary>True when the limit's <c>in</c>/<c>at</c> filter takes in every customer and stage the offer reaches.</summary>
    public static bool FilterTakesIn(LimitSymbol limit, OfferSymbol offer) =>
        (limit.InSegments is not { } segments || (!offer.Segments.IsAll && offer.Segments.Listed.All(segments.Contains)))
        && (limit.AtStages is not { } stages || offer.Stages.All(stages.Contains));

    /// <summary>
    /// True when <paramref name="broad"/> counts every contact <paramref name="narrow"/> counts:
    /// its scope is at least as broad (<c>contacts</c> ⊇ a channel and <c>offers</c> ⊇ a group ⊇
    /// an offer), its filter at least as wide (unscoped ⊇ scoped), and it counts per household
    /// whenever the other does.
    /// </summary>
    public static bool CountsEveryContactOf(LimitSymbol broad, LimitSymbol narrow)
    {
        if (narrow.PerHousehold && !broad.PerHousehold)
        {
            return false;
        }

        if (broad.InSegments is { } segments && (narrow.InSegments is not { } narrowSegments || !narrowSegments.All(segments.Contains)))
        {
            return false;
        }

        if (broad.AtStages is { } stages && (narrow.AtStages is not { } narrowStages || !narrowStages.All(stages.Contains)))
        {
            return false;
        }

        return (broad.Scope, narrow.Scope) switch
        {
            (LimitScope.Contacts, _) => true,
            (LimitScope.Offers, LimitScope.Offers or LimitScope.Offer or LimitScope.Group) => true,
            (LimitScope.Channel, LimitScope.Channel) => broad.Target == narrow.Target,
            (LimitScope.Group or LimitScope.Offer, LimitScope.Group or LimitScope.Offer) =>
                !narrow.TargetOffers.IsEmpty && narrow.TargetOffers.All(broad.TargetOffers.Contains),
            _ => false,
        };
    }

    /// <summary>How a limit is written, for messages: <c>at most 3 per 30 days</c>.</summary>
    public static string Describe(LimitSymbol limit) => $"at most {limit.MaxCount} per {limit.Window}";

    /// <summary>The scope as a message names it: <c>offers</c>, <c>contacts</c>, <c>channel Email</c>, <c>offer BoatLoan</c>, <c>group Lending</c>.</summary>
    public static string DescribeScope(LimitSymbol limit) => limit.Scope switch
    {
        LimitScope.Channel => $"channel {limit.Target?.Name}",
        LimitScope.Offer => $"offer {limit.Target?.Name}",
        LimitScope.Group => $"group {limit.Target?.Name}",
        _ => limit.ScopeDisplay,
    };

    /// <summary>
    /// What a limit counts, as written after <c>limit</c>: <c>offers per customer</c>,
    /// <c>Email per household in MassMarket at Active</c>.
    /// </summary>
    public static string DescribeCounted(LimitSymbol limit)
    {
        string text = $"{limit.ScopeDisplay} per {(limit.PerHousehold ? "household" : "customer")}";
        if (limit.InSegments is { } segments)
        {
            text += " in " + string.Join(", ", segments.Select(s => s.Name));
        }

        if (limit.AtStages is { } stages)
        {
            text += " at " + Naming.Stages(stages);
        }

        return text;
    }

    /// <summary>The offers a symbol stands for: an offer itself, or a group's offers.</summary>
    public static ImmutableArray<OfferSymbol> OffersOf(Symbol? symbol) => NeverSymbol.OffersOf(symbol);
}

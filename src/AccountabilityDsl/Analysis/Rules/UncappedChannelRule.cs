using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0204: an offer reaches customers through a channel that no limit covers: none on
/// <c>offers</c>, <c>contacts</c>, that channel, that offer or a group holding it, whose
/// <c>in</c>/<c>at</c> filter takes in all the offer's customers and stages (a limit scoped to
/// some of them leaves the others uncapped). Nothing would stop the offer from
/// being sent every day. One diagnostic per offer and channel, on the channel's name in the
/// offer's <c>via</c> list.
/// </summary>
public sealed class UncappedChannelRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0204",
        "Offer sent through an uncapped channel",
        "offer {0} reaches customers through {1}, and no limit covers it (no limit on offers, contacts, {1}, {0} or a group holding {0} counts all of its customers): nothing stops 17 offers in 3 weeks; add a limit such as 'limit {1} per customer: at most 2 per 30 days'",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        var channelsByName = policy.Channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (OfferSymbol offer in policy.Offers)
        {
            if (context.Limits.OfferWide(offer).Any())
            {
                continue;
            }

            var seen = new HashSet<ChannelSymbol>();
            foreach (NameSyntax name in offer.Syntax.Channels)
            {
                if (name.IsMissing || !channelsByName.TryGetValue(name.Text, out ChannelSymbol? channel) || !seen.Add(channel))
                {
                    continue;
                }

                if (context.Limits.OnChannel(channel, offer).Any())
                {
                    continue;
                }

                context.Report(
                    Rule,
                    name,
                    [context.Related(channel, $"channel {channel.Name} is declared here, and no limit names it")],
                    null,
                    offer.Name,
                    channel.Name);
            }
        }
    }
}

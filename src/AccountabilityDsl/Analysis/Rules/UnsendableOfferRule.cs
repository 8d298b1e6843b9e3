using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0203: an offer that can never be sent, because it names no channel, or because a limit of
/// <c>at most 0</c> covers it: one on <c>offers</c>, <c>contacts</c> or the offer itself, or one on
/// every channel it uses. One diagnostic per offer, on its name; every blocking limit is related.
/// </summary>
public sealed class UnsendableOfferRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0203",
        "Offer can never be sent",
        "offer {0} can never be sent: {1}",
        DiagnosticSeverity.Error,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        foreach (OfferSymbol offer in policy.Offers)
        {
            if (offer.Channels.IsEmpty)
            {
                context.Report(Rule, offer, null, null, offer.Name,
                    "it names no channel to reach customers through; add a 'via' clause such as 'via Email'");
                continue;
            }

            List<LimitSymbol> blocking = [.. context.Limits.OfferWide(offer).Where(l => l.MaxCount == 0)];
            ChannelSymbol[] channels = [.. offer.Channels.Distinct()];
            List<LimitSymbol>[] channelBlocks = [.. channels.Select(c => context.Limits.OnChannel(c).Where(l => l.MaxCount == 0).ToList())];
            bool everyChannelBlocked = channelBlocks.All(b => b.Count > 0);
            if (blocking.Count == 0 && !everyChannelBlocked)
            {
                continue;
            }

            var reasons = new List<string>();
            if (blocking.Count > 0)
            {
                reasons.Add(string.Join(" and ", blocking.Select(l => $"the limit on {l.ScopeDisplay} (line {policy.LineOf(l.Syntax)}) allows at most 0")));
            }

            if (everyChannelBlocked)
            {
                reasons.Add((channels.Length == 1 ? "its only channel is limited to 0" : "every channel it uses is limited to 0")
                    + $" ({string.Join(", ", channels.Select((c, i) => $"{c.Name} on line {policy.LineOf(channelBlocks[i][0].Syntax)}"))})");
            }

            IEnumerable<LimitSymbol> related = blocking.Concat(everyChannelBlocked ? channelBlocks.SelectMany(b => b) : []);
            context.Report(
                Rule,
                offer,
                related.Select(l => context.Related(l.Syntax, $"this limit allows at most 0 on {LimitCoverage.DescribeScope(l)}")),
                null,
                offer.Name,
                string.Join("; and ", reasons) + "; raise the limit above 0 or remove the offer");
        }
    }
}

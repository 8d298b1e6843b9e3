using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0203: an offer that can never be sent: it names no channel; or a limit of <c>at most 0</c>
/// counts all its sends (one on <c>offers</c>, <c>contacts</c>, the offer or a group holding it,
/// unscoped or scoped to all the offer's customers and stages; per customer or per household);
/// or every channel it uses is blocked, by such a limit on the channel or by quiet hours and
/// days that leave no minute of the week free. One diagnostic per offer, on its name; every
/// blocking limit and quiet declaration is related.
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
            List<LimitSymbol>[] channelBlocks = [.. channels.Select(c => context.Limits.OnChannel(c, offer).Where(l => l.MaxCount == 0).ToList())];
            bool[] alwaysQuiet = [.. channels.Select(context.Quiet.IsAlwaysQuiet)];
            bool everyChannelBlocked = channels.Select((_, i) => channelBlocks[i].Count > 0 || alwaysQuiet[i]).All(b => b);
            if (blocking.Count == 0 && !everyChannelBlocked)
            {
                continue;
            }

            var reasons = new List<string>();
            if (blocking.Count > 0)
            {
                reasons.Add(string.Join(" and ", blocking.Select(l => $"the limit on {l.ScopeDisplay} ({policy.LineReference(l.Syntax)}) allows at most 0")));
            }

            if (everyChannelBlocked)
            {
                string Why(int i) => channelBlocks[i].Count > 0
                    ? $"{channels[i].Name} limited to 0 on {policy.LineReference(channelBlocks[i][0].Syntax)}"
                    : $"{channels[i].Name} quiet at every hour of every day";
                reasons.Add((channels.Length == 1 ? "its only channel is blocked" : "every channel it uses is blocked")
                    + $" ({string.Join(", ", channels.Select((_, i) => Why(i)))})");
            }

            IEnumerable<LimitSymbol> relatedLimits = blocking.Concat(everyChannelBlocked ? channelBlocks.SelectMany(b => b) : []);
            IEnumerable<RelatedLocation> related = relatedLimits
                .Select(l => context.Related(l.Syntax, $"this limit allows at most 0 on {LimitCoverage.DescribeScope(l)}"))
                .Concat(everyChannelBlocked
                    ? channels.Where((_, i) => channelBlocks[i].Count == 0)
                        .SelectMany(c => context.Quiet.Of(c))
                        .Select(q => context.Related(q.Syntax, $"quiet hours of {q.Channel!.Name}"))
                    : []);
            bool quietBlocks = everyChannelBlocked && channels.Where((_, i) => channelBlocks[i].Count == 0).Any();
            bool limitBlocks = blocking.Count > 0 || (everyChannelBlocked && channelBlocks.Any(b => b.Count > 0));
            string remedy = (limitBlocks, quietBlocks) switch
            {
                (true, true) => "raise the limits above 0, shorten the quiet hours, or remove the offer",
                (false, true) => "shorten the quiet hours or remove the offer",
                _ => "raise the limit above 0 or remove the offer",
            };
            context.Report(
                Rule,
                offer,
                related,
                null,
                offer.Name,
                string.Join("; and ", reasons) + "; " + remedy);
        }
    }
}

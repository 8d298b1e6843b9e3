using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0202: an offer's <c>min cell N</c> is larger than what any of its channels can carry in one
/// capacity period, so no channel can ever deliver a cell big enough. A channel without a
/// capacity is unlimited, and one such channel is enough for the offer to be deliverable.
/// </summary>
public sealed class MinCellExceedsCapacityRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0202",
        "Minimum cell exceeds every channel's capacity",
        "offer {0} needs a cell of at least {1} customers, but every channel it uses carries fewer: {2}; lower 'min cell' to at most {3} or send it through a channel with more capacity",
        DiagnosticSeverity.Error,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        foreach (OfferSymbol offer in context.Policy.Offers)
        {
            if (offer.Syntax.MinCell is not { IsMissing: false } minCellSyntax || offer.MinCell is not int minCell)
            {
                continue;
            }

            ChannelSymbol[] channels = [.. offer.Channels.Distinct()];
            if (channels.Length == 0 || channels.Any(c => c.Capacity is not { } capacity || capacity.Amount >= minCell))
            {
                continue;
            }

            context.Report(
                Rule,
                minCellSyntax,
                channels.Select(c => context.Related(c.Syntax.Capacity!, $"{c.Name} carries at most {Describe(c.Capacity!)}")),
                null,
                offer.Name,
                minCell,
                string.Join(", ", channels.Select(c => $"{c.Name} {Describe(c.Capacity!)}")),
                channels.Max(c => c.Capacity!.Amount));
        }
    }

    private static string Describe(ChannelCapacity capacity) =>
        $"{capacity.Amount} per {capacity.Period switch
        {
            PeriodUnit.Day => "day",
            PeriodUnit.Week => "week",
            PeriodUnit.Month => "month",
            _ => "year",
        }}";
}

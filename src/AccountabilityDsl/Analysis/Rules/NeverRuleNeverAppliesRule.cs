using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0205: a <c>never</c> rule that can never apply, because its two offers (or groups) never
/// reach the same customer at the same stage. Proved exactly with the region engine: two
/// audiences share a customer when a predicate segment of one intersects a predicate segment of
/// the other, when one side is an assigned segment and the other a non-empty predicate segment
/// (or the same assigned segment), or when either targets <c>*</c>; and the offers must run at a
/// common stage. Silent when the regions cannot be computed exactly (a too-large enum, a
/// too-complex predicate): a warning must be proved, not guessed.
/// </summary>
public sealed class NeverRuleNeverAppliesRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0205",
        "Exclusion that can never apply",
        "this 'never' rule can never apply: {0}; no customer can receive both, so the rule refuses nothing; remove it, or name offers that reach the same customers",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        SegmentRegions regions = context.Regions;
        if (!regions.IsAnalysable || !regions.TooComplex.IsEmpty)
        {
            return;
        }

        foreach (NeverSymbol never in context.Policy.Nevers.Where(n => n.IsResolved && n.First != n.Second))
        {
            var first = never.FirstOffers;
            var second = never.SecondOffers;
            if (first.IsEmpty || second.IsEmpty)
            {
                continue;
            }

            bool commonStage = false;
            bool commonCustomerAtCommonStage = false;
            foreach (OfferSymbol a in first)
            {
                foreach (OfferSymbol b in second)
                {
                    if (a == b || !a.Stages.Intersect(b.Stages).Any())
                    {
                        // The same offer on both sides (groups overlapping) reaches its own customers.
                        commonCustomerAtCommonStage |= a == b;
                        continue;
                    }

                    commonStage = true;
                    if (ShareACustomer(regions, context.Policy, a, b))
                    {
                        commonCustomerAtCommonStage = true;
                        break;
                    }
                }

                if (commonCustomerAtCommonStage)
                {
                    break;
                }
            }

            if (commonCustomerAtCommonStage)
            {
                continue;
            }

            string why = commonStage
                ? $"{Describe(never.First!)} and {Describe(never.Second!)} reach no customer in common ({Audience(first)}; {Audience(second)})"
                : $"{Describe(never.First!)} and {Describe(never.Second!)} run at no stage in common ({Stages(first)}; {Stages(second)})";
            context.Report(
                Rule,
                never.Syntax,
                [.. first.Concat(second).Distinct().Select(o => context.Related(o.Syntax.Name, $"offer {Audience([o])}"))],
                null,
                why);
        }
    }

    private static bool ShareACustomer(SegmentRegions regions, BoundPolicy policy, OfferSymbol a, OfferSymbol b)
    {
        IEnumerable<SegmentSymbol> Targets(OfferSymbol offer) => offer.Segments.Resolve(policy.Segments);
        foreach (SegmentSymbol x in Targets(a))
        {
            foreach (SegmentSymbol y in Targets(b))
            {
                if (x.IsAssigned && y.IsAssigned)
                {
                    if (x == y)
                    {
                        return true;
                    }

                    continue;
                }

                // An assigned segment says nothing about attributes: it meets any non-empty predicate segment.
                Region rx = x.IsAssigned ? regions.Algebra.All : regions.RegionOf(x) ?? Region.Empty;
                Region ry = y.IsAssigned ? regions.Algebra.All : regions.RegionOf(y) ?? Region.Empty;
                if (regions.Algebra.Intersects(rx, ry))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string Describe(Symbol symbol) => symbol is GroupSymbol ? $"group {symbol.Name}" : $"offer {symbol.Name}";

    private static string Audience(IEnumerable<OfferSymbol> offers) =>
        string.Join("; ", offers.Select(o => $"{o.Name} reaches {(o.Segments.IsAll ? "*" : string.Join(", ", o.Segments.Listed.Select(s => s.Name)))} at {Naming.Stages(o.Stages)}"));

    private static string Stages(IEnumerable<OfferSymbol> offers) =>
        string.Join("; ", offers.Select(o => $"{o.Name} at {Naming.Stages(o.Stages)}"));
}

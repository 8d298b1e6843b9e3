using System.Collections.Immutable;
using AccountabilityDsl.Analysis.Rules;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis;

/// <summary>Runs every rule over a bound policy.</summary>
public static class PolicyAnalyzer
{
    /// <summary>Every rule, in ID order.</summary>
    public static ImmutableArray<AnalysisRule> Rules { get; } =
    [
        .. new AnalysisRule[]
        {
            new AccountabilityVacuumRule(),
            new CellConflictRule(),
            new UncoveredCustomersRule(),
            new OverlapConflictRule(),
            new EmptySegmentRule(),
            new UnanalysableSegmentRule(),
            new FallbackOwnedCellsRule(),
            new EscalationCycleRule(),
            new OfferApprovalRule(),
            new DuplicateLimitScopeRule(),
            new MinCellExceedsCapacityRule(),
            new UnsendableOfferRule(),
            new UncappedChannelRule(),
            new UnusedDeclarationRule(),
            new NeverRuleNeverAppliesRule(),
            new NeverSameOfferRule(),
            new AlwaysQuietChannelRule(),
        }.OrderBy(r => r.Descriptor.Id, StringComparer.Ordinal),
    ];

    public static ImmutableArray<Diagnostic> Analyze(BoundPolicy policy) => Analyze(new PolicyFacts(policy));

    /// <summary>Runs every rule over the facts of a policy (shared with whoever else uses them).</summary>
    public static ImmutableArray<Diagnostic> Analyze(PolicyFacts facts)
    {
        var context = new AnalysisContext(facts);
        foreach (AnalysisRule rule in Rules)
        {
            rule.Analyze(context);
        }

        return [.. context.Diagnostics];
    }
}

using AccountabilityDsl.Binding;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Runtime.Compiled;

/// <summary>
/// Builds the runtime <see cref="ContactPolicy"/> of a bound policy: the same limits (group,
/// household and scoped ones included), capacities, cool-downs, exemptions, offers, <c>never</c>
/// rules, consent requirements and quiet periods, citing the same lines, as the generated class's
/// <c>ContactPolicy</c> property (the facts both use live in <see cref="RuntimeRuleFacts"/>).
/// </summary>
public static class ContactPolicyBuilder
{
    /// <summary>The contact policy of <paramref name="policy"/>, which must have bound without errors.</summary>
    public static ContactPolicy Build(BoundPolicy policy) => Build(policy, filePaths: null);

    /// <summary>
    /// As <see cref="Build(BoundPolicy)"/>; <paramref name="filePaths"/> (keyed by reference) receives the
    /// path of the file each rule's <see cref="SourceLine"/> cites (as given to the compiler). A
    /// <see cref="SourceLine"/> names its file by its path from the policy's root, as generated code
    /// does; a test runner shows the path a diagnostic would.
    /// </summary>
    internal static ContactPolicy Build(BoundPolicy policy, Dictionary<SourceLine, string>? filePaths)
    {
        ArgumentNullException.ThrowIfNull(policy);
        SourceLine Source(SyntaxNode node)
        {
            var line = new SourceLine(RuntimeRuleFacts.SourceFileOf(policy, node), policy.LineOf(node), RuntimeRuleFacts.RuleText(policy, node));
            filePaths?.Add(line, policy.SourceOf(node).FilePath);
            return line;
        }

        var limits = policy.Limits.Select(limit => new ContactLimit(
            limit.Scope switch
            {
                Binding.LimitScope.Offers => LimitScope.Offers,
                Binding.LimitScope.Contacts => LimitScope.Contacts,
                Binding.LimitScope.Channel => LimitScope.Channel(limit.Target!.Name),
                Binding.LimitScope.Group => LimitScope.Group(limit.Target!.Name, limit.TargetOffers.Select(o => o.Name)),
                _ => LimitScope.Offer(limit.Target!.Name),
            },
            limit.MaxCount,
            new TimeWindow(limit.Window.Count, Unit(limit.Window.Unit), limit.Window.Calendar),
            Source(limit.Syntax))
        {
            PerHousehold = limit.PerHousehold,
            Segments = limit.InSegments is { } segments ? [.. segments.Select(s => s.Name)] : null,
            Stages = limit.AtStages is { } stages ? [.. stages.Select(s => s.Name)] : null,
        });
        var capacities = policy.Channels
            .Where(c => c.Capacity is not null)
            .Select(c => new ChannelCapacity(c.Name, c.Capacity!.Amount, Unit(c.Capacity.Period), Source(c.Syntax)));
        var cooldowns = policy.Cooldowns.Select(c => new Cooldown(RuntimeRuleFacts.CooldownDays(c), c.Event.Name, Source(c.Syntax)));
        var exclusions = RuntimeRuleFacts.Exclusions(policy).Select(never =>
        {
            (int count, PeriodUnit unit) = RuntimeRuleFacts.ExclusionWindow(never);
            return new OfferExclusion(
                [.. never.FirstOffers.Select(o => o.Name)], never.IsAfter, [.. never.SecondOffers.Select(o => o.Name)],
                new TimeWindow(count, Unit(unit)), Source(never.Syntax), RuntimeRuleFacts.RuleText(policy, never.Syntax));
        });
        var consents = RuntimeRuleFacts.ConsentChannels(policy).Select(c => new ConsentRequirement(c.Name, Source(c.Syntax)));
        var quiets = RuntimeRuleFacts.QuietPeriods(policy).Select(q => new QuietPeriod(
            q.Channel!.Name,
            [.. q.Hours.Select(h => (TimeSpan.FromMinutes(h.From), TimeSpan.FromMinutes(h.To)))],
            [.. q.Days],
            Source(q.Syntax),
            RuntimeRuleFacts.RuleText(policy, q.Syntax)));
        var offers = policy.Offers.Select(o => new OfferDefinition(o.Name, o.Sponsor?.Name ?? "", o.Priority, o.Ordinal, [.. o.Channels.Select(c => c.Name)]));

        return new ContactPolicy(
            policy.Name,
            RuntimeRuleFacts.SourceFileName(policy),
            [.. limits],
            [.. capacities],
            [.. cooldowns],
            RuntimeRuleFacts.ExemptCategories(policy),
            [.. offers],
            [.. policy.Channels.Select(c => c.Name)],
            exclusions: [.. exclusions],
            consents: [.. consents],
            quietPeriods: [.. quiets]);
    }

    private static TimeUnit Unit(PeriodUnit unit) => unit switch
    {
        PeriodUnit.Day => TimeUnit.Day,
        PeriodUnit.Week => TimeUnit.Week,
        PeriodUnit.Month => TimeUnit.Month,
        _ => TimeUnit.Year,
    };
}

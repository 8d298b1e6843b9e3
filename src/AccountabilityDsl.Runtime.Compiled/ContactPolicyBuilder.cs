using AccountabilityDsl.Binding;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Runtime.Compiled;

/// <summary>
/// Builds the runtime <see cref="ContactPolicy"/> of a bound policy: the same limits, capacities,
/// cool-downs, exemptions and offers, citing the same lines, as the generated class's
/// <c>ContactPolicy</c> property (the facts both use live in <see cref="RuntimeRuleFacts"/>).
/// </summary>
public static class ContactPolicyBuilder
{
    /// <summary>The contact policy of <paramref name="policy"/>, which must have bound without errors.</summary>
    public static ContactPolicy Build(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string file = RuntimeRuleFacts.SourceFileName(policy);
        SourceLine Source(SyntaxNode node) => new(file, policy.LineOf(node), RuntimeRuleFacts.RuleText(policy, node));

        var limits = policy.Limits.Select(limit => new ContactLimit(
            limit.Scope switch
            {
                Binding.LimitScope.Offers => LimitScope.Offers,
                Binding.LimitScope.Contacts => LimitScope.Contacts,
                Binding.LimitScope.Channel => LimitScope.Channel(limit.Target!.Name),
                _ => LimitScope.Offer(limit.Target!.Name),
            },
            limit.MaxCount,
            new TimeWindow(limit.Window.Count, Unit(limit.Window.Unit), limit.Window.Calendar),
            Source(limit.Syntax)));
        var capacities = policy.Channels
            .Where(c => c.Capacity is not null)
            .Select(c => new ChannelCapacity(c.Name, c.Capacity!.Amount, Unit(c.Capacity.Period), Source(c.Syntax)));
        var cooldowns = policy.Cooldowns.Select(c => new Cooldown(RuntimeRuleFacts.CooldownDays(c), c.Event.Name, Source(c.Syntax)));
        var offers = policy.Offers.Select(o => new OfferDefinition(o.Name, o.Sponsor?.Name ?? "", o.Priority, o.Ordinal, [.. o.Channels.Select(c => c.Name)]));

        return new ContactPolicy(policy.Name, file, [.. limits], [.. capacities], [.. cooldowns], RuntimeRuleFacts.ExemptCategories(policy), [.. offers],
            [.. policy.Channels.Select(c => c.Name)]);
    }

    private static TimeUnit Unit(PeriodUnit unit) => unit switch
    {
        PeriodUnit.Day => TimeUnit.Day,
        PeriodUnit.Week => TimeUnit.Week,
        PeriodUnit.Month => TimeUnit.Month,
        _ => TimeUnit.Year,
    };
}

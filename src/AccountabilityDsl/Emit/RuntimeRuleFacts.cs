using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Emit;

/// <summary>
/// How declarations become runtime rules, in one place for both ways a policy reaches the runtime
/// library: the generated C# class (<see cref="CSharpEmitter"/>) and the contact policy built
/// from a compilation without code generation (AccountabilityDsl.Runtime.Compiled). The two must
/// decide identically, so neither may compute these on its own.
/// </summary>
public static class RuntimeRuleFacts
{
    /// <summary>
    /// The policy's file (<c>retail-bank.owner</c>); for a policy of several files, all of them in the
    /// order they were given, each by its path from the policy's root (<c>core.owner, offers/boats.owner</c>,
    /// see <see cref="BoundPolicy.PathInPolicy"/>).
    /// </summary>
    public static string SourceFileName(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return string.Join(", ", policy.Trees.Select(policy.PathInPolicy));
    }

    /// <summary>The file a decision citing <paramref name="declaration"/> names: the declaration's own file, by its path from the policy's root.</summary>
    public static string SourceFileOf(BoundPolicy policy, SyntaxNode declaration)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(declaration);
        return policy.PathInPolicy(policy.TreeOf(declaration));
    }

    /// <summary>The declaration's source text on one line: what a decision quotes as the rule's text.</summary>
    public static string RuleText(BoundPolicy policy, SyntaxNode declaration)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(declaration);
        return CSharpText.OneLine(policy.TextOf(declaration));
    }

    /// <summary>
    /// The <c>never</c> rules the runtime enforces: those whose two sides name offers or groups
    /// the policy declares (a policy that bound without errors has no other).
    /// </summary>
    public static IReadOnlyList<NeverSymbol> Exclusions(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Nevers.Where(n => n.IsResolved)];
    }

    /// <summary>
    /// A <c>never</c> rule's window as the runtime counts it: rolling days or weeks. A window in
    /// months or years becomes days, rounded up to their longest (31 and 366 days) as cool-downs
    /// are, so an exclusion never ends early.
    /// </summary>
    public static (int Count, PeriodUnit Unit) ExclusionWindow(NeverSymbol never)
    {
        ArgumentNullException.ThrowIfNull(never);
        TimeWindow window = never.Window;
        return window.Unit switch
        {
            PeriodUnit.Day or PeriodUnit.Week => (window.Count, window.Unit),
            PeriodUnit.Month => ((int)Math.Min((long)window.Count * 31, int.MaxValue), PeriodUnit.Day),
            _ => ((int)Math.Min((long)window.Count * 366, int.MaxValue), PeriodUnit.Day),
        };
    }

    /// <summary>The channels that need the customer's consent (<c>requires consent</c>), in declaration order.</summary>
    public static IReadOnlyList<ChannelSymbol> ConsentChannels(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Channels.Where(c => c.RequiresConsent)];
    }

    /// <summary>The <c>quiet</c> declarations the runtime enforces: those naming a declared channel.</summary>
    public static IReadOnlyList<QuietSymbol> QuietPeriods(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Quiets.Where(q => q.Channel is not null)];
    }

    /// <summary>
    /// The runtime counts cool-downs in whole days; weeks are 7 days, and months and years
    /// are rounded up to their longest (31 and 366 days) so a cool-down never ends early.
    /// </summary>
    public static int CooldownDays(CooldownSymbol cooldown)
    {
        ArgumentNullException.ThrowIfNull(cooldown);
        long days = (long)cooldown.Duration * cooldown.Unit switch
        {
            PeriodUnit.Day => 1,
            PeriodUnit.Week => 7,
            PeriodUnit.Month => 31,
            _ => 366,
        };
        return (int)Math.Min(days, int.MaxValue);
    }

    /// <summary>The distinct exempt categories, in declaration order.</summary>
    public static IReadOnlyList<string> ExemptCategories(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Exemptions.Select(e => e.Category.Text).Distinct()];
    }

    /// <summary>The owners whose accountability lets an offer reach a customer: its sponsor, then its approvers, each once.</summary>
    public static IReadOnlyList<OwnerSymbol> Approvers(OfferSymbol offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var approvers = new List<OwnerSymbol>();
        foreach (OwnerSymbol owner in (offer.Sponsor is null ? [] : new[] { offer.Sponsor }).Concat(offer.ApprovedBy))
        {
            if (!approvers.Contains(owner))
            {
                approvers.Add(owner);
            }
        }

        return approvers;
    }
}

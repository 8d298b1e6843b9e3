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
    /// The policy's file names without their folders (<c>retail-bank.owner</c>); for a policy of
    /// several files, all of them in the order they were given (<c>core.owner, boats.owner</c>).
    /// </summary>
    public static string SourceFileName(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return string.Join(", ", policy.Trees.Select(t => Path.GetFileName(t.FilePath)));
    }

    /// <summary>The file a decision citing <paramref name="declaration"/> names: the declaration's own file, without its folder.</summary>
    public static string SourceFileOf(BoundPolicy policy, SyntaxNode declaration)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(declaration);
        return Path.GetFileName(policy.SourceOf(declaration).FilePath);
    }

    /// <summary>The declaration's source text on one line: what a decision quotes as the rule's text.</summary>
    public static string RuleText(BoundPolicy policy, SyntaxNode declaration)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(declaration);
        return CSharpText.OneLine(policy.TextOf(declaration));
    }

    /// <summary>
    /// The limits the runtime library enforces. Group limits, <c>per household</c> limits and
    /// limits scoped <c>in</c> segments or <c>at</c> stages are checked by the compiler but not
    /// enforced by the runtime yet (docs/runtime.md, "Not enforced yet"): they are left out
    /// rather than enforced as a different rule (a household cap counted per customer, a scoped
    /// cap applied to everyone, a group cap on an offer of the group's name).
    /// </summary>
    public static IReadOnlyList<LimitSymbol> EnforcedLimits(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Limits.Where(IsEnforced)];
    }

    /// <summary>
    /// The declarations the compiler accepts but the runtime does not enforce yet, in source
    /// order: the limits <see cref="EnforcedLimits"/> leaves out, <c>never</c> rules,
    /// <c>requires consent</c> channels and <c>quiet</c> hours.
    /// </summary>
    public static IReadOnlyList<SyntaxNode> UnenforcedRules(BoundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.Limits.Where(l => !IsEnforced(l)).Select(l => (SyntaxNode)l.Syntax)
            .Concat(policy.Nevers.Select(n => (SyntaxNode)n.Syntax))
            .Concat(policy.Channels.Where(c => c.RequiresConsent).Select(c => (SyntaxNode)c.Syntax))
            .Concat(policy.Quiets.Select(q => (SyntaxNode)q.Syntax))
            .OrderBy(n => policy.Trees.IndexOf(policy.TreeOf(n)))
            .ThenBy(n => n.Span.Start)];
    }

    private static bool IsEnforced(LimitSymbol limit) => limit.Scope != LimitScope.Group && !limit.PerHousehold && !limit.IsScoped;

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

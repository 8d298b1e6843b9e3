using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using static AccountabilityDsl.Emit.CodeWriter;
using static AccountabilityDsl.Emit.CSharpText;

namespace AccountabilityDsl.Emit;

/// <summary>
/// Writes the generated class's <c>ContactPolicy</c> property: the runtime data of every limit,
/// channel capacity, cool-down, exempt category, offer, <c>never</c> rule, consent requirement and
/// quiet period, each citing its source line. What each declaration becomes is decided in
/// <see cref="RuntimeRuleFacts"/>, shared with the contact policy built without code generation
/// (AccountabilityDsl.Runtime.Compiled), so the two always agree.
/// </summary>
internal sealed class ContactPolicyEmitter(BoundPolicy policy, CodeWriter code)
{
    public void Write()
    {
        code.Line("");
        code.Doc("The contact rules for the runtime library: every limit, channel capacity, cool-down, exempt category, offer, never rule, consent requirement and quiet period, each citing its line in the .owner file.");
        code.Line($"public static {Runtime}ContactPolicy ContactPolicy {{ get; }} = new {Runtime}ContactPolicy(");
        code.Line("PolicyName,");
        code.Line("SourceFile,");
        code.Line("limits: " + ArrayOf($"{Runtime}ContactLimit", policy.Limits.Select(Limit)) + ",");
        var capacities = policy.Channels
            .Where(c => c.Capacity is not null)
            .Select(c => $"new {Runtime}ChannelCapacity({String(c.Name)}, {Int(c.Capacity!.Amount)}, {Unit(c.Capacity.Period)}, {SourceLine(c.Syntax)})");
        code.Line("capacities: " + ArrayOf($"{Runtime}ChannelCapacity", capacities) + ",");
        code.Line("cooldowns: " + ArrayOf($"{Runtime}Cooldown", policy.Cooldowns.Select(c => $"new {Runtime}Cooldown({Int(RuntimeRuleFacts.CooldownDays(c))}, {String(c.Event.Name)}, {SourceLine(c.Syntax)})")) + ",");
        code.Line("exemptCategories: " + ArrayOf("string", RuntimeRuleFacts.ExemptCategories(policy).Select(String)) + ",");
        code.Line("offers: " + ArrayOf($"{Runtime}OfferDefinition", policy.Offers.Select(o =>
            $"new {Runtime}OfferDefinition({String(o.Name)}, {String(o.Sponsor?.Name ?? "")}, {Int(o.Priority)}, {Int(o.Ordinal)}, {OneLineArrayOf("string", o.Channels.Select(c => String(c.Name)))})")) + ",");
        // Every declared channel: the gate refuses any other channel name rather than letting it pass unchecked.
        code.Line("channels: " + ArrayOf("string", policy.Channels.Select(c => String(c.Name))) + (HasContactRulesV2 ? "," : ""));
        if (HasContactRulesV2)
        {
            // Only policies that use them name these arguments, so other policies' generated code is unchanged.
            code.Line("exclusions: " + ArrayOf($"{Runtime}OfferExclusion", RuntimeRuleFacts.Exclusions(policy).Select(Exclusion)) + ",");
            code.Line("consents: " + ArrayOf($"{Runtime}ConsentRequirement", RuntimeRuleFacts.ConsentChannels(policy)
                .Select(c => $"new {Runtime}ConsentRequirement({String(c.Name)}, {SourceLine(c.Syntax)})")) + ",");
            code.Line("quietPeriods: " + ArrayOf($"{Runtime}QuietPeriod", RuntimeRuleFacts.QuietPeriods(policy).Select(Quiet)));
        }

        code.Line(");");
    }

    private bool HasContactRulesV2 =>
        RuntimeRuleFacts.Exclusions(policy).Count > 0 || RuntimeRuleFacts.ConsentChannels(policy).Count > 0 || RuntimeRuleFacts.QuietPeriods(policy).Count > 0;

    /// <summary>A rule's source line: in <c>SourceFile</c> for a one-file policy, else in the node's own file.</summary>
    private string SourceLine(SyntaxNode node) =>
        $"new {Runtime}SourceLine({(policy.Trees.Length == 1 ? "SourceFile" : String(RuntimeRuleFacts.SourceFileOf(policy, node)))}, {Int(policy.LineOf(node))}, {String(RuntimeRuleFacts.RuleText(policy, node))})";

    private string Limit(LimitSymbol limit)
    {
        string scope = limit.Scope switch
        {
            LimitScope.Offers => $"{Runtime}LimitScope.Offers",
            LimitScope.Contacts => $"{Runtime}LimitScope.Contacts",
            LimitScope.Channel => $"{Runtime}LimitScope.Channel({String(limit.Target!.Name)})",
            LimitScope.Group => $"{Runtime}LimitScope.Group({String(limit.Target!.Name)}, {Names(limit.TargetOffers)})",
            _ => $"{Runtime}LimitScope.Offer({String(limit.Target!.Name)})",
        };
        var extras = new List<string>();
        if (limit.PerHousehold)
        {
            extras.Add("PerHousehold = true");
        }

        if (limit.InSegments is { } segments)
        {
            extras.Add("Segments = " + Names(segments));
        }

        if (limit.AtStages is { } stages)
        {
            extras.Add("Stages = " + Names(stages));
        }

        string initializer = extras.Count == 0 ? "" : $" {{ {string.Join(", ", extras)} }}";
        return $"new {Runtime}ContactLimit({scope}, {Int(limit.MaxCount)}, {Window(limit.Window.Count, limit.Window.Unit, limit.Window.Calendar)}, {SourceLine(limit.Syntax)}){initializer}";
    }

    private static string Window(int count, PeriodUnit unit, bool calendar) => $"new {Runtime}TimeWindow({Int(count)}, {Unit(unit)}, {Bool(calendar)})";

    private static string Names(IEnumerable<Symbol> symbols) => OneLineArrayOf("string", symbols.Select(s => String(s.Name)));

    private string Exclusion(NeverSymbol never)
    {
        (int count, PeriodUnit unit) = RuntimeRuleFacts.ExclusionWindow(never);
        return $"new {Runtime}OfferExclusion({Names(never.FirstOffers)}, {Bool(never.IsAfter)}, {Names(never.SecondOffers)}, {Window(count, unit, false)}, "
            + $"{SourceLine(never.Syntax)}, {String(RuntimeRuleFacts.RuleText(policy, never.Syntax))})";
    }

    private string Quiet(QuietSymbol quiet)
    {
        string hours = OneLineArrayOf($"({Sys}TimeSpan, {Sys}TimeSpan)", quiet.Hours.Select(h => $"({Sys}TimeSpan.FromMinutes({Int(h.From)}), {Sys}TimeSpan.FromMinutes({Int(h.To)}))"));
        string days = OneLineArrayOf($"{Sys}DayOfWeek", quiet.Days.Select(d => $"{Sys}DayOfWeek.{d}"));
        return $"new {Runtime}QuietPeriod({String(quiet.Channel!.Name)}, {hours}, {days}, {SourceLine(quiet.Syntax)}, {String(RuntimeRuleFacts.RuleText(policy, quiet.Syntax))})";
    }

    private static string Unit(PeriodUnit unit) => $"{Runtime}TimeUnit.{unit}";
}

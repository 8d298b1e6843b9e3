using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0301: an owner, attribute, channel or segment that nothing refers to. <c>*</c> refers to
/// every segment. Stages, offers and events are not reported: stages form the lifecycle, offers are
/// used by the host application, and events exist only where a cool-down names them.
/// </summary>
public sealed class UnusedDeclarationRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0301",
        "Unused declaration",
        "{0} '{1}' is declared but never used: {2}",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Usage);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        IEnumerable<(Symbol Symbol, string Noun, string Why)> candidates =
            policy.Attributes.Select(a => ((Symbol)a, "attribute", "no segment's 'where' predicate reads it; use it in a predicate or remove it"))
            .Concat(policy.Segments.Select(s => ((Symbol)s, "segment", "no accountable, responsible, consulted, informed or offer declaration names it (nor uses '*'); give it an accountable owner or remove it")))
            .Concat(policy.Owners.Select(o => ((Symbol)o, "owner", "no accountable, responsible, consulted or informed declaration and no offer names it; assign it or remove it")))
            .Concat(policy.Channels.Select(c => ((Symbol)c, "channel", "no offer, 'via' list or limit names it; use it or remove it")));

        foreach ((Symbol symbol, string noun, string why) in candidates)
        {
            if (!policy.Referenced.Contains(symbol))
            {
                context.Report(Rule, symbol, null, null, noun, symbol.Name, why);
            }
        }
    }
}

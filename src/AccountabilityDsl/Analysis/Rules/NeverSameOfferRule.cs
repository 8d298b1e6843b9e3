using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0206: a <c>never</c> rule that names the same offer (or group) on both sides. "Never A
/// with A within 30 days" is a frequency cap, and a limit says it plainly and is enforced as one.
/// </summary>
public sealed class NeverSameOfferRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0206",
        "Exclusion names the same offer twice",
        "this 'never' rule names {0} twice; to space out sends of {1}, write a limit instead: 'limit {1} per customer: at most 1 per {2}'",
        DiagnosticSeverity.Error,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        foreach (NeverSymbol never in context.Policy.Nevers.Where(n => n.IsResolved && n.First == n.Second))
        {
            string noun = never.First is GroupSymbol ? "group" : "offer";
            context.Report(Rule, never.Syntax.Second,
                [context.Related(never.Syntax.First, $"{noun} {never.First!.Name} is named here first")],
                null,
                $"{noun} {never.First!.Name}", never.First.Name, never.Window.ToString());
        }
    }
}

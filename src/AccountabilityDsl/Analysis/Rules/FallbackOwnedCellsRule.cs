using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0106: with <c>fallback O</c>, the customers no <c>accountable</c> line gives an owner are
/// O's, so they are no vacuum (OWN0101); but a policy whose customers are owned only by the top
/// is the situation the language exists to avoid, so each such gap is still listed, as a
/// warning, with a witness. Anchored like OWN0101, on the segment, so one gap can be accepted
/// without hiding the others.
/// </summary>
public sealed class FallbackOwnedCellsRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.FallbackOwnedCells,
        "Customers owned only through the fallback",
        "only the fallback owner {0} is accountable at {1} for customers in {2}: no accountable line claims them; for example the customer {3}",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        if (context.Policy.Fallback is not { } fallback)
        {
            return;
        }

        foreach (VacuumGap gap in AccountabilityVacuumRule.Gaps(context))
        {
            RelatedLocation[] related =
            [
                context.Related(context.Policy.FallbackSyntax!, $"{fallback.Name} is the fallback owner here"),
                .. gap.StageLocations(context, "owned only through the fallback at"),
            ];
            context.Report(Rule, gap.Segment, related, gap.Witness, fallback.Name, Naming.Stages(gap.Stages), gap.Who, gap.Witness);
        }
    }
}

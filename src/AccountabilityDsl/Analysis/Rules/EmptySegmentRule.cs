using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>OWN0105: a segment's <c>where</c> predicate is unsatisfiable, so the segment is always empty.</summary>
public sealed class EmptySegmentRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0105",
        "Empty segment",
        "segment '{0}' can never contain a customer: no attribute values satisfy its predicate",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        foreach (SegmentSymbol segment in context.Policy.Segments)
        {
            if (context.Regions.IsEmpty(segment))
            {
                context.Report(Rule, segment.Syntax.Predicate!.Span, null, null, segment.Name);
            }
        }
    }
}

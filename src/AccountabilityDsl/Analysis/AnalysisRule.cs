using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// One rule of the checker: one descriptor, one class, one documentation page
/// (<c>docs/rules/&lt;Id&gt;.md</c>). Rules run only on policies that bound without errors.
/// </summary>
public abstract class AnalysisRule
{
    public abstract DiagnosticDescriptor Descriptor { get; }

    public abstract void Analyze(AnalysisContext context);
}

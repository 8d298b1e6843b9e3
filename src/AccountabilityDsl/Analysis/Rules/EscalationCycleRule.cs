using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0107: <c>reports to</c> must build a tree. A circle of owners reporting to each other has
/// no top, so an escalation along it would never end. Each circle is reported once, on the
/// <c>reports to</c> of the owner declared first in it, with every other link related.
/// </summary>
public sealed class EscalationCycleRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0107",
        "Reporting lines form a cycle",
        "{0}; a reporting line must end at an owner who reports to nobody",
        DiagnosticSeverity.Error,
        DiagnosticCategory.Accountability);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        var settled = new HashSet<OwnerSymbol>();
        foreach (OwnerSymbol start in context.Policy.Owners)
        {
            // Each owner has at most one superior: follow the line until it ends, meets a settled
            // owner, or comes back to an owner on this walk (a circle).
            var walk = new List<OwnerSymbol>();
            OwnerSymbol? current = start;
            while (current is not null && !settled.Contains(current) && !walk.Contains(current))
            {
                walk.Add(current);
                current = current.ReportsTo;
            }

            if (current is not null && walk.Contains(current))
            {
                Report(context, walk.Skip(walk.IndexOf(current)).ToList());
            }

            settled.UnionWith(walk);
        }
    }

    private static void Report(AnalysisContext context, List<OwnerSymbol> circle)
    {
        OwnerSymbol first = circle.OrderBy(o => context.Policy.Owners.IndexOf(o)).First();
        int at = circle.IndexOf(first);
        List<OwnerSymbol> ordered = [.. circle.Skip(at), .. circle.Take(at)];
        string message = ordered.Count == 1
            ? $"owner '{first.Name}' reports to itself"
            : $"owners {string.Join(" -> ", ordered.Append(first).Select(o => o.Name))} report to each other in a circle";
        context.Report(Rule, first.Syntax.ReportsTo!,
            ordered.Skip(1).Select(o => context.Related(o.Syntax.ReportsTo!, $"{o.Name} reports to {o.ReportsTo!.Name} here")),
            null, message);
    }
}

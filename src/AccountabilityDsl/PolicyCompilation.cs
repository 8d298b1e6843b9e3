using System.Collections.Immutable;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl;

/// <summary>
/// The whole pipeline for one policy file: parse, bind, analyse, then apply suppressions and
/// configured severities. Hosts (the CLI, the MSBuild task, tests) start here.
/// </summary>
public sealed class PolicyCompilation
{
    private PolicyCompilation(SyntaxTree tree, BoundPolicy policy, ImmutableArray<Diagnostic> diagnostics)
    {
        SyntaxTree = tree;
        Policy = policy;
        Diagnostics = diagnostics;
    }

    public SyntaxTree SyntaxTree { get; }

    public BoundPolicy Policy { get; }

    /// <summary>Reported diagnostics in source order, with effective severities; hidden ones removed.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public static PolicyCompilation Create(SourceText source, IReadOnlyDictionary<string, DiagnosticSeverity>? severityOverrides = null)
    {
        SyntaxTree tree = SyntaxTree.Parse(source);
        BoundPolicy policy = Binder.Bind(tree);
        IEnumerable<Diagnostic> all = tree.Diagnostics.Concat(policy.Diagnostics.Where(d => !FollowsSyntaxErrorInItsDeclaration(tree, d)));

        // Rules reason about the whole policy; on a policy with syntax or name errors they would
        // report the consequences of those errors (a vacuum where an owner's name is misspelt).
        if (!tree.HasErrors && !policy.HasErrors)
        {
            all = all.Concat(PolicyAnalyzer.Analyze(policy));
        }

        SuppressionMap suppressions = SuppressionMap.From(tree);
        var reported = new List<Diagnostic>();
        foreach (Diagnostic diagnostic in all)
        {
            if (suppressions.IsSuppressed(diagnostic))
            {
                continue;
            }

            Diagnostic effective = diagnostic;
            if (severityOverrides is not null && diagnostic.Id != CompilerDiagnostics.SyntaxError.Id
                && severityOverrides.TryGetValue(diagnostic.Id, out DiagnosticSeverity severity))
            {
                effective = diagnostic.WithSeverity(severity);
            }

            if (effective.Severity != DiagnosticSeverity.Hidden)
            {
                reported.Add(effective);
            }
        }

        reported.Sort(Diagnostic.SourceOrder);
        return new PolicyCompilation(tree, policy, [.. reported]);
    }

    public static PolicyCompilation Create(string text, string path = "<memory>") => Create(SourceText.From(text, path));

    /// <summary>
    /// Whether a binding diagnostic lies after a syntax error in the same declaration. From a
    /// syntax error on, the rest of the declaration is the parser's reading of broken text (a
    /// keyword taken for a missing name, a token skipped), so a name bound from it is no mistake
    /// of the author's: <c>accountable O for at A</c> is one error, not also "unknown segment 'A'".
    /// Problems before the syntax error are the author's and stay.
    /// </summary>
    private static bool FollowsSyntaxErrorInItsDeclaration(SyntaxTree tree, Diagnostic binding)
    {
        if (tree.Diagnostics.IsEmpty)
        {
            return false;
        }

        int at = binding.Location.Span.Start;
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            if (at < declaration.Span.Start || at > declaration.Span.End)
            {
                continue;
            }

            return tree.Diagnostics.Any(syntax => syntax.Location.Span.Start >= declaration.Span.Start && syntax.Location.Span.Start <= at);
        }

        return false;
    }
}

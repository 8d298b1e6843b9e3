using System.Collections.Immutable;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl;

/// <summary>
/// The semantic model of one policy, made of one file or of several files whose headers name the
/// same policy: parse, bind across every file, analyse, then apply inline suppressions and the
/// <see cref="CompilationOptions"/>. Every host starts here (usually through
/// <see cref="Workspace.PolicyWorkspace"/>, which reads files and groups them by policy).
/// Immutable; the shared facts (<see cref="Facts"/>) are computed on first use and kept, so the
/// rules, the matrix, the explainer and the code generator compute each of them once.
/// </summary>
public sealed class PolicyCompilation
{
    private readonly Lazy<ImmutableArray<Diagnostic>> _diagnostics;

    private PolicyCompilation(ImmutableArray<SyntaxTree> trees, BoundPolicy policy, CompilationOptions options)
    {
        SyntaxTrees = trees;
        Policy = policy;
        Options = options;
        Facts = new PolicyFacts(policy);
        _diagnostics = new Lazy<ImmutableArray<Diagnostic>>(ComputeDiagnostics);
    }

    /// <summary>The policy's files in the order given (the first is <see cref="SyntaxTree"/>).</summary>
    public ImmutableArray<SyntaxTree> SyntaxTrees { get; }

    /// <summary>The first file: the only one of a one-file policy.</summary>
    public SyntaxTree SyntaxTree => SyntaxTrees[0];

    public BoundPolicy Policy { get; }

    /// <summary>The policy's name (<c>Unnamed</c> without a header).</summary>
    public string PolicyName => Policy.Name;

    public CompilationOptions Options { get; }

    /// <summary>Facts shared by the rules, the matrix, the explainer and the code generator.</summary>
    public PolicyFacts Facts { get; }

    /// <summary>Reported diagnostics in source order (by file, then position), with effective severities; hidden ones removed.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.Value;

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Whether a file does not parse or a name does not resolve: then there is nothing reliable to explain or draw.</summary>
    public bool HasSyntaxOrBindingErrors => SyntaxTrees.Any(t => t.HasErrors) || Policy.HasErrors;

    /// <summary>One file.</summary>
    public static PolicyCompilation Create(SourceText source, CompilationOptions? options = null) => Create([source], options);

    /// <summary>One file, with severities by diagnostic ID (as an <c>.editorconfig</c> gives them).</summary>
    public static PolicyCompilation Create(SourceText source, IReadOnlyDictionary<string, DiagnosticSeverity>? severityOverrides) =>
        Create(source, severityOverrides is null ? null : CompilationOptions.Default with
        {
            SpecificSeverities = severityOverrides.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase),
        });

    public static PolicyCompilation Create(string text, string path = "<memory>") => Create(SourceText.From(text, path));

    /// <summary>Several files of one policy, in the order given (which fixes the order of symbols and of generated members).</summary>
    public static PolicyCompilation Create(IEnumerable<SourceText> sources, CompilationOptions? options = null) =>
        Create(sources.Select(SyntaxTree.Parse), options);

    /// <summary>Files already parsed (an editor keeps its trees), bound as one policy.</summary>
    public static PolicyCompilation Create(IEnumerable<SyntaxTree> trees, CompilationOptions? options = null)
    {
        ImmutableArray<SyntaxTree> all = [.. trees];
        if (all.IsEmpty)
        {
            throw new ArgumentException("A policy compilation needs at least one file.", nameof(trees));
        }

        return new PolicyCompilation(all, Binder.Bind(all), options ?? CompilationOptions.Default);
    }

    /// <summary>This compilation with other options: the same trees and bound policy, reported again.</summary>
    public PolicyCompilation WithOptions(CompilationOptions options) => new(SyntaxTrees, Policy, options);

    /// <summary>The diagnostics anchored in one file.</summary>
    public IEnumerable<Diagnostic> DiagnosticsIn(SourceText source) => Diagnostics.Where(d => ReferenceEquals(d.Location.Source, source));

    private ImmutableArray<Diagnostic> ComputeDiagnostics()
    {
        IEnumerable<Diagnostic> all = SyntaxTrees.SelectMany(t => t.Diagnostics)
            .Concat(Policy.Diagnostics.Where(d => !FollowsSyntaxErrorInItsDeclaration(d)));

        // Rules reason about the whole policy; on a policy with syntax or name errors they would
        // report the consequences of those errors (a vacuum where an owner's name is misspelt).
        if (!HasSyntaxOrBindingErrors)
        {
            all = all.Concat(PolicyAnalyzer.Analyze(Facts));
        }

        var reported = new List<Diagnostic>();
        foreach (Diagnostic diagnostic in all)
        {
            if (TreeOf(diagnostic) is { } tree && tree.Suppressions.IsSuppressed(diagnostic.Id, diagnostic.Location.LineSpan.Start.Line, diagnostic.Location.Span.Start))
            {
                continue;
            }

            if (Options.EffectiveSeverity(diagnostic) is { } severity)
            {
                reported.Add(severity == diagnostic.Severity ? diagnostic : diagnostic.WithSeverity(severity));
            }
        }

        reported.Sort(Diagnostic.SourceOrder);
        return [.. reported];
    }

    private SyntaxTree? TreeOf(Diagnostic diagnostic) => SyntaxTrees.FirstOrDefault(t => ReferenceEquals(t.Source, diagnostic.Location.Source));

    /// <summary>
    /// Whether a binding diagnostic lies after a syntax error in the same declaration. From a
    /// syntax error on, the rest of the declaration is the parser's reading of broken text (a
    /// keyword taken for a missing name, a token skipped), so a name bound from it is no mistake
    /// of the author's: <c>accountable O for at A</c> is one error, not also "unknown segment 'A'".
    /// Problems before the syntax error are the author's and stay.
    /// </summary>
    private bool FollowsSyntaxErrorInItsDeclaration(Diagnostic binding)
    {
        if (TreeOf(binding) is not { Diagnostics.IsEmpty: false } tree)
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

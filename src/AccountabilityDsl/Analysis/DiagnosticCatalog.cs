using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis;

/// <summary>
/// Every diagnostic the compiler can report, by ID: the front end's (<see cref="CompilerDiagnostics"/>)
/// and every rule's. It lives with the rules because it lists them; Diagnostics, below every
/// other layer, knows none of them.
/// </summary>
public static class DiagnosticCatalog
{
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
    [
        .. new[]
        {
            CompilerDiagnostics.SyntaxError,
            CompilerDiagnostics.UnknownName,
            CompilerDiagnostics.DuplicateDeclaration,
            CompilerDiagnostics.PredicateTypeError,
            CompilerDiagnostics.PolicyStructureError,
            CompilerDiagnostics.SegmentCycle,
            CompilerDiagnostics.BackwardsStageRange,
            CompilerDiagnostics.NamespaceMismatch,
            CompilerDiagnostics.EmptyWindow,
            CompilerDiagnostics.InvalidConfigurationValue,
            CompilerDiagnostics.GroupCycle,
        }.Concat(PolicyAnalyzer.Rules.Select(r => r.Descriptor)).OrderBy(d => d.Id, StringComparer.Ordinal),
    ];

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id, StringComparer.OrdinalIgnoreCase);

    public static DiagnosticDescriptor? Find(string id) => ById.GetValueOrDefault(id.Trim());

    /// <summary>
    /// Every ID that has a page in <c>docs/rules</c>, in order: the compiler's, the <c>.owner-test</c>
    /// runner's (OWN09xx) and the MSBuild package's own (OWNBxxx), whose task assembly the command
    /// line does not load. What <c>ownerc help &lt;ID&gt;</c> can show.
    /// </summary>
    public static ImmutableArray<string> DocumentedIds { get; } =
    [
        .. typeof(DiagnosticCatalog).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("rules/OWN", StringComparison.Ordinal) && name.EndsWith(".md", StringComparison.Ordinal))
            .Select(name => name.Substring("rules/".Length, name.Length - "rules/".Length - ".md".Length))
            .OrderBy(id => id, StringComparer.Ordinal),
    ];

    /// <summary>The rule's documentation page (Markdown), embedded from <c>docs/rules</c>.</summary>
    public static string? GetDocumentation(string id)
    {
        using Stream? stream = typeof(DiagnosticCatalog).Assembly.GetManifestResourceStream($"rules/{id}.md");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

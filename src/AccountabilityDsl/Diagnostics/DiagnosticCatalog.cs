using System.Collections.Immutable;
using AccountabilityDsl.Analysis;

namespace AccountabilityDsl.Diagnostics;

/// <summary>Every diagnostic the compiler can report, by ID.</summary>
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
            CompilerDiagnostics.EmptyWindow,
        }.Concat(PolicyAnalyzer.Rules.Select(r => r.Descriptor)).OrderBy(d => d.Id, StringComparer.Ordinal),
    ];

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id, StringComparer.OrdinalIgnoreCase);

    public static DiagnosticDescriptor? Find(string id) => ById.GetValueOrDefault(id.Trim());

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

using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl;

/// <summary>
/// Everything that changes how a compilation reports, in one immutable value shared by every
/// host (the CLI's <c>--warnaserror</c>, the MSBuild properties, <c>.editorconfig</c>). Applied
/// to each diagnostic after inline suppressions, in this order, as csc does:
/// <list type="number">
/// <item><see cref="FileSeverities"/>: the <c>.editorconfig</c> severities of the diagnostic's file;</item>
/// <item><see cref="SpecificSeverities"/>: severities for every file (a host's own settings);</item>
/// <item><see cref="NoWarn"/>: silences warnings and suggestions, never an error;</item>
/// <item><see cref="WarningsAsErrors"/> (every warning not in <see cref="WarningsNotAsErrors"/>)
/// and <see cref="SpecificWarningsAsErrors"/>: warnings reported as errors.</item>
/// </list>
/// Syntax errors (OWN0001) keep their severity whatever the options say: the file would mean nothing.
/// </summary>
public sealed record CompilationOptions
{
    private static readonly ImmutableHashSet<string> NoIds = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Default severities, nothing silenced, nothing promoted.</summary>
    public static CompilationOptions Default { get; } = new();

    /// <summary>Report every warning as an error (except <see cref="WarningsNotAsErrors"/>).</summary>
    public bool WarningsAsErrors { get; init; }

    /// <summary>IDs whose warnings are reported as errors.</summary>
    public ImmutableHashSet<string> SpecificWarningsAsErrors { get; init; } = NoIds;

    /// <summary>IDs that <see cref="WarningsAsErrors"/> leaves as warnings.</summary>
    public ImmutableHashSet<string> WarningsNotAsErrors { get; init; } = NoIds;

    /// <summary>IDs whose warnings and suggestions are not reported (errors always are).</summary>
    public ImmutableHashSet<string> NoWarn { get; init; } = NoIds;

    // Null until a host sets it: a dictionary of a value type (the severity enum) is framework
    // generic code that ReadyToRun cannot precompile, so the common run (no host severities) never
    // makes one (start-up, docs/performance.md).
    private readonly ImmutableDictionary<string, DiagnosticSeverity>? _specificSeverities;

    /// <summary>Severity per diagnostic ID for every file.</summary>
    public ImmutableDictionary<string, DiagnosticSeverity> SpecificSeverities
    {
        get => _specificSeverities ?? NoSeverities.Instance;
        init => _specificSeverities = value;
    }

    /// <summary>
    /// Severity per diagnostic ID per file, keyed by <see cref="Text.SourceText.FilePath"/> (what
    /// <c>.editorconfig</c> says for that file; see <see cref="Workspace.EditorConfigSeverities"/>).
    /// </summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, DiagnosticSeverity>> FileSeverities { get; init; } =
        ImmutableDictionary.Create<string, ImmutableDictionary<string, DiagnosticSeverity>>(StringComparer.Ordinal);

    /// <summary>These options with the severities of one file added.</summary>
    public CompilationOptions WithFileSeverities(string filePath, IEnumerable<KeyValuePair<string, DiagnosticSeverity>> severities) =>
        this with { FileSeverities = FileSeverities.SetItem(filePath, severities.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase)) };

    /// <summary>
    /// The severity to report <paramref name="diagnostic"/> with, or null when it is not reported
    /// (configured <c>none</c>, or silenced by <see cref="NoWarn"/>).
    /// </summary>
    public DiagnosticSeverity? EffectiveSeverity(Diagnostic diagnostic)
    {
        DiagnosticSeverity severity = diagnostic.Severity;
        if (diagnostic.Id == CompilerDiagnostics.SyntaxError.Id)
        {
            return severity;
        }

        if (FileSeverities.TryGetValue(diagnostic.Location.FilePath, out ImmutableDictionary<string, DiagnosticSeverity>? file)
            && file.TryGetValue(diagnostic.Id, out DiagnosticSeverity configured))
        {
            severity = configured;
        }

        if (_specificSeverities is { } specificSeverities && specificSeverities.TryGetValue(diagnostic.Id, out DiagnosticSeverity specific))
        {
            severity = specific;
        }

        return severity switch
        {
            DiagnosticSeverity.Hidden => null,
            DiagnosticSeverity.Error => DiagnosticSeverity.Error,
            _ when NoWarn.Contains(diagnostic.Id) => null,
            DiagnosticSeverity.Warning when SpecificWarningsAsErrors.Contains(diagnostic.Id)
                || (WarningsAsErrors && !WarningsNotAsErrors.Contains(diagnostic.Id)) => DiagnosticSeverity.Error,
            _ => severity,
        };
    }

    /// <summary>
    /// Reads an MSBuild-style list of IDs (<c>;</c>, <c>,</c> or white space between them, any case),
    /// as <c>NoWarn</c> and <c>WarningsAsErrors</c> are written.
    /// </summary>
    /// <remarks>
    /// Not <c>StringSplitOptions.TrimEntries</c>: in the netstandard2.0 build, <c>Split(char[], …)</c>
    /// is .NET Framework's own, which throws on an option it does not know.
    /// </remarks>
    public static ImmutableHashSet<string> ParseIdList(string? list) =>
        (list ?? "").Split([';', ',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(id => id.Trim())
            .Where(id => id.Length > 0)
            .ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The empty severity map, made on first use.</summary>
    private static class NoSeverities
    {
        public static readonly ImmutableDictionary<string, DiagnosticSeverity> Instance =
            ImmutableDictionary.Create<string, DiagnosticSeverity>(StringComparer.OrdinalIgnoreCase);
    }
}

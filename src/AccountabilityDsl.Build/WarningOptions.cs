using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Build;

/// <summary>
/// The project's warning properties applied to OWN diagnostics the way csc applies them to CS
/// ones, after the <c>.editorconfig</c> severity (which the compiler has already applied):
/// <list type="bullet">
/// <item><c>NoWarn</c> silences warnings and suggestions; it never silences an error.</item>
/// <item><c>WarningsAsErrors</c> (the listed IDs) and <c>TreatWarningsAsErrors</c> (every warning
/// not in <c>WarningsNotAsErrors</c>) report warnings as errors.</item>
/// <item><c>NoWarn</c> wins over both, as <c>/nowarn</c> does over <c>/warnaserror</c> in csc.</item>
/// </list>
/// </summary>
internal sealed class WarningOptions
{
    private readonly HashSet<string> _noWarn;
    private readonly HashSet<string> _asErrors;
    private readonly HashSet<string> _notAsErrors;
    private readonly bool _allAsErrors;

    public WarningOptions(bool treatWarningsAsErrors, string? warningsAsErrors, string? warningsNotAsErrors, string? noWarn)
    {
        _allAsErrors = treatWarningsAsErrors;
        _asErrors = Codes(warningsAsErrors);
        _notAsErrors = Codes(warningsNotAsErrors);
        _noWarn = Codes(noWarn);
    }

    /// <summary>The severity to report with, or <see langword="null"/> when the diagnostic is silenced.</summary>
    public DiagnosticSeverity? Apply(string id, DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => DiagnosticSeverity.Error,
        _ when _noWarn.Contains(id) => null,
        DiagnosticSeverity.Warning when _asErrors.Contains(id) || (_allAsErrors && !_notAsErrors.Contains(id)) => DiagnosticSeverity.Error,
        DiagnosticSeverity.Hidden => null,
        _ => severity,
    };

    /// <summary>MSBuild lists: <c>;</c> or <c>,</c> separated, spaces allowed, case-insensitive.</summary>
    /// <remarks>
    /// Not <c>StringSplitOptions.TrimEntries</c>: in the netstandard2.0 build, <c>Split(char[], …)</c>
    /// is .NET Framework's own, which throws on an option it does not know (found by the Mono test).
    /// </remarks>
    private static HashSet<string> Codes(string? list) =>
        new((list ?? "").Split([';', ',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(code => code.Trim()).Where(code => code.Length > 0),
            StringComparer.OrdinalIgnoreCase);
}

namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// How serious a diagnostic is. <see cref="Hidden"/> is what <c>none</c> in an
/// <c>.editorconfig</c> turns a rule into: computed, but never reported.
/// </summary>
public enum DiagnosticSeverity
{
    Hidden = 0,
    Suggestion = 1,
    Warning = 2,
    Error = 3,
}

public static class DiagnosticSeverityExtensions
{
    /// <summary>The lower-case spelling used in text, JSON and MSBuild output.</summary>
    public static string ToDisplayString(this DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Suggestion => "suggestion",
        _ => "none",
    };

    /// <summary>Parses the <c>.editorconfig</c> spelling (<c>none|silent|suggestion|warning|error</c>).</summary>
    public static bool TryParse(string text, out DiagnosticSeverity severity)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "none":
            case "silent":
                severity = DiagnosticSeverity.Hidden;
                return true;
            case "suggestion":
            case "info":
                severity = DiagnosticSeverity.Suggestion;
                return true;
            case "warning":
                severity = DiagnosticSeverity.Warning;
                return true;
            case "error":
                severity = DiagnosticSeverity.Error;
                return true;
            default:
                severity = default;
                return false;
        }
    }
}

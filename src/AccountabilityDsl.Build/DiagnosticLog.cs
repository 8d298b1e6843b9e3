using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AccountabilityDsl.Build;

/// <summary>
/// Writes compiler diagnostics to the MSBuild log in the canonical format
/// (<c>policy.owner(12,5,12,30): error OWN0102: …</c>), with each related location as a message:
/// what every task of the package reports, policies and test files alike.
/// </summary>
internal static class DiagnosticLog
{
    /// <summary>Logs one diagnostic; true when it was reported as an error.</summary>
    public static bool Report(TaskLoggingHelper log, Diagnostic d)
    {
        // Severities are final: the compilation applied .editorconfig and the project's settings.
        DiagnosticSeverity severity = d.Severity;
        LinePositionSpan span = d.Location.LineSpan;
        string file = d.Location.FilePath;
        string? help = d.Descriptor.HelpLink;
        switch (severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, d.Id, d.Id, help, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, d.Id, d.Id, help, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, d.Message);
                break;
            default:
                log.LogMessage(null, d.Id, d.Id, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, MessageImportance.Normal, d.Message);
                break;
        }

        foreach (RelatedLocation related in d.Related)
        {
            LinePositionSpan at = related.Location.LineSpan;
            log.LogMessage(null, d.Id, d.Id, related.Location.FilePath, at.Start.Line, at.Start.Column, at.End.Line, at.End.Column,
                MessageImportance.Normal, $"related location: {related.Message}");
        }

        return severity == DiagnosticSeverity.Error;
    }
}

using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.LanguageServer.Workspace;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>Compiler diagnostics as LSP diagnostics: same ID, message, severity and related locations.</summary>
internal static class DiagnosticConverter
{
    public const string Source = "ownerc";

    public static Lsp.Diagnostic[] Convert(DocumentAnalysis analysis) =>
        [.. analysis.Diagnostics.Select(d => Convert(analysis, d))];

    public static Lsp.Diagnostic Convert(DocumentAnalysis analysis, Diagnostic diagnostic) => new(
        analysis.RangeOf(diagnostic.Location.Span),
        SeverityOf(diagnostic.Severity),
        diagnostic.Id,
        diagnostic.Descriptor.HelpLink is { } link ? new Lsp.CodeDescription(link) : null,
        Source,
        diagnostic.Message,
        diagnostic.Related.IsEmpty
            ? null
            : [.. diagnostic.Related.Select(r => new Lsp.DiagnosticRelatedInformation(
                DocumentAnalysis.LocationOf(r.Location.Source, r.Location.Span), r.Message))]);

    public static Lsp.DiagnosticSeverity SeverityOf(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => Lsp.DiagnosticSeverity.Error,
        DiagnosticSeverity.Warning => Lsp.DiagnosticSeverity.Warning,
        DiagnosticSeverity.Suggestion => Lsp.DiagnosticSeverity.Information,
        _ => Lsp.DiagnosticSeverity.Hint,
    };
}

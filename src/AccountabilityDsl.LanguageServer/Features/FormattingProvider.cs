using AccountabilityDsl.Formatting;
using AccountabilityDsl.LanguageServer.Workspace;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>Formatting: exactly <c>ownerc fmt</c>'s layout, as one edit; nothing for a file with syntax errors.</summary>
internal static class FormattingProvider
{
    public static Lsp.TextEdit[] Format(DocumentAnalysis analysis)
    {
        string? formatted = PolicyFormatter.Format(analysis.Tree);
        if (formatted is null || formatted == analysis.Source.Text)
        {
            return [];
        }

        return [new Lsp.TextEdit(analysis.RangeOf(new Text.TextSpan(0, analysis.Source.Length)), formatted)];
    }
}

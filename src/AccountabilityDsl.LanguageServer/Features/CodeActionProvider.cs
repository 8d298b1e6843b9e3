using System.Text.RegularExpressions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.LanguageServer.Workspace;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>
/// Quick fixes for the diagnostics on the requested lines: the did-you-mean name for OWN0002,
/// an <c>accountable</c> line for the segments of the OWN0101 vacuums at the same stages (one action per owner),
/// adding the owner to an offer's <c>approved by</c> for OWN0302, removing an unused
/// declaration for OWN0301, and for every diagnostic but syntax errors a suppression comment.
/// </summary>
internal static partial class CodeActionProvider
{
    /// <summary>At most this many owners are offered for one vacuum, in declaration order.</summary>
    public const int MaxOwnersOffered = 5;

    public static Lsp.CodeAction[] Actions(DocumentAnalysis analysis, Lsp.Range range)
    {
        int firstLine = range.Start.Line, lastLine = range.End.Line;
        var actions = new List<Lsp.CodeAction>();
        var vacuumStagesOffered = new HashSet<string>(StringComparer.Ordinal);
        foreach (Diagnostic diagnostic in analysis.Diagnostics)
        {
            Lsp.Range at = analysis.RangeOf(diagnostic.Location.Span);
            if (at.End.Line < firstLine || at.Start.Line > lastLine)
            {
                continue;
            }

            Lsp.Diagnostic[] fixes = [DiagnosticConverter.Convert(analysis, diagnostic)];
            switch (diagnostic.Id)
            {
                case "OWN0002" when DidYouMean().Match(diagnostic.Message) is { Success: true } match:
                    actions.Add(Fix(analysis, $"Change to '{match.Groups[1].Value}'", fixes, true, (diagnostic.Location.Span, match.Groups[1].Value)));
                    break;
                case "OWN0101" when VacuumStages().Match(diagnostic.Message) is { Success: true } vacuum
                    && vacuumStagesOffered.Add(vacuum.Groups["stages"].Value):
                    actions.AddRange(AddAccountableLine(analysis, vacuum.Groups["stages"].Value, fixes));
                    break;
                case "OWN0302":
                    if (AddApprover(analysis, diagnostic, fixes) is { } approve)
                    {
                        actions.Add(approve);
                    }

                    break;
                case "OWN0301":
                    if (analysis.Tree.Declarations.FirstOrDefault(d => d.Span.Contains(diagnostic.Location.Span.Start)) is { } unused)
                    {
                        actions.Add(Fix(analysis, $"Remove unused declaration '{analysis.Source.ToString(diagnostic.Location.Span)}'", fixes, true, (WholeLines(analysis.Source, unused.Span), "")));
                    }

                    break;
            }

            if (diagnostic.Id != CompilerDiagnostics.SyntaxError.Id)
            {
                actions.Add(Suppress(analysis, diagnostic, fixes));
            }
        }

        return [.. actions];
    }

    private static IEnumerable<Lsp.CodeAction> AddAccountableLine(DocumentAnalysis analysis, string stages, Lsp.Diagnostic[] fixes)
    {
        // Each OWN0101 is anchored on one segment's name and names the stages as the language
        // writes them; one line fixes every segment of the file without an owner at those stages.
        string segments = string.Join(", ", analysis.Diagnostics
            .Where(d => d.Id == "OWN0101" && VacuumStages().Match(d.Message) is { Success: true } m && m.Groups["stages"].Value == stages)
            .Select(d => analysis.Source.ToString(d.Location.Span))
            .Distinct());
        DeclarationSyntax? lastAccountable = analysis.Tree.Declarations.LastOrDefault(d => d is AssignmentDeclarationSyntax { Role: RaciRole.Accountable });
        DeclarationSyntax? anchor = lastAccountable ?? analysis.Tree.Declarations.LastOrDefault();
        int insertAt = anchor is null ? analysis.Source.Length : WholeLines(analysis.Source, anchor.Span).End;
        string newline = Formatting.PolicyFormatter.DominantNewline(analysis.Source.Text);
        string lead = insertAt > 0 && analysis.Source.Text[insertAt - 1] is not '\n' and not '\r' ? newline : "";
        foreach (OwnerSymbol owner in analysis.Policy.Owners.Take(MaxOwnersOffered))
        {
            string line = $"accountable {owner.Name} for {segments} at {stages}";
            yield return Fix(analysis, $"Add '{line}'", fixes, false, (new TextSpan(insertAt, 0), lead + line + newline));
        }
    }

    private static Lsp.CodeAction? AddApprover(DocumentAnalysis analysis, Diagnostic diagnostic, Lsp.Diagnostic[] fixes)
    {
        Match match = Unapproved().Match(diagnostic.Message);
        if (!match.Success || analysis.Policy.Offers.FirstOrDefault(o => o.Name == match.Groups["offer"].Value) is not { } offer)
        {
            return null;
        }

        string owner = match.Groups["owner"].Value;
        (TextSpan span, string text) edit = offer.Syntax.ApprovedBy.IsEmpty
            ? (new TextSpan(offer.Syntax.Span.End, 0), $" approved by {owner}")
            : (new TextSpan(offer.Syntax.ApprovedBy[^1].Span.End, 0), $", {owner}");
        return Fix(analysis, $"Add '{owner}' to the 'approved by' list of '{offer.Name}'", fixes, true, edit);
    }

    private static Lsp.CodeAction Suppress(DocumentAnalysis analysis, Diagnostic diagnostic, Lsp.Diagnostic[] fixes)
    {
        SourceText source = analysis.Source;
        int line = source.GetLinePosition(diagnostic.Location.Span.Start).Line;
        int lineStart = source.GetLineStart(line);
        string text = source.GetLineText(line);
        string indent = text[..(text.Length - text.TrimStart().Length)];
        string newline = Formatting.PolicyFormatter.DominantNewline(source.Text);
        return Fix(analysis, $"Suppress {diagnostic.Id} on this line", fixes, false,
            (new TextSpan(lineStart, 0), $"{indent}// owner-disable-next-line {diagnostic.Id}{newline}"));
    }

    /// <summary>The span's lines, from the start of its first to the line break after its last.</summary>
    private static TextSpan WholeLines(SourceText source, TextSpan span)
    {
        int start = source.GetLineStart(source.GetLinePosition(span.Start).Line);
        int endLine = source.GetLinePosition(span.End).Line;
        int end = endLine < source.LineCount ? source.GetLineStart(endLine + 1) : source.Length;
        return TextSpan.FromBounds(start, Math.Max(end, span.End));
    }

    private static Lsp.CodeAction Fix(DocumentAnalysis analysis, string title, Lsp.Diagnostic[] fixes, bool preferred, params (TextSpan Span, string Text)[] edits) => new(
        title,
        "quickfix",
        fixes,
        preferred ? true : null,
        new Lsp.WorkspaceEdit(new Dictionary<string, Lsp.TextEdit[]>
        {
            [analysis.Key.Uri] = [.. edits.Select(e => new Lsp.TextEdit(analysis.RangeOf(e.Span), e.Text))],
        }));

    [GeneratedRegex(@"did you mean '([^']+)'\?")]
    private static partial Regex DidYouMean();

    [GeneratedRegex(@"^no accountable owner at (?<stages>.+?) for customers in ")]
    private static partial Regex VacuumStages();

    [GeneratedRegex(@"^offer '(?<offer>[^']+)' reaches customers for whom (?<owner>\S+) is accountable")]
    private static partial Regex Unapproved();
}

using System.Text.RegularExpressions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.LanguageServer.Workspace;
using AccountabilityDsl.Syntax;
using StreamJsonRpc;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>
/// Rename a declared name and every reference to it. Refused, with a message the editor shows,
/// on a keyword or anything that is not a declared name, for a new name that is not an
/// identifier or is a keyword, and for a name another declaration of the same kind has.
/// </summary>
internal static partial class Rename
{
    /// <summary>LSP's RequestFailed: the request was valid but cannot be carried out.</summary>
    public const int RequestFailed = -32803;

    public static Lsp.PrepareRenameResult? Prepare(DocumentAnalysis analysis, Lsp.Position position)
    {
        Occurrence occurrence = Find(analysis, position);
        return new Lsp.PrepareRenameResult(analysis.RangeOf(occurrence.Span), occurrence.Symbol.Name);
    }

    public static Lsp.WorkspaceEdit Apply(DocumentAnalysis analysis, Lsp.Position position, string newName)
    {
        Occurrence occurrence = Find(analysis, position);
        Symbol symbol = occurrence.Symbol;
        if (!Identifier().IsMatch(newName))
        {
            throw Refuse($"'{newName}' is not a name: a name starts with a letter or '_' and holds only letters, digits and '_'");
        }

        if (SyntaxClassifier.IsKeyword(newName))
        {
            throw Refuse($"'{newName}' is a keyword and cannot name a {Noun(symbol)}");
        }

        if (newName != symbol.Name && analysis.Index.All.FirstOrDefault(o => o.IsDeclaration && o.Symbol.Kind == symbol.Kind && o.Symbol.Name == newName) is { Symbol: { } clash })
        {
            throw Refuse($"a {Noun(clash)} named '{newName}' is already declared on {analysis.Policy.LineReference(clash.Declaration)}");
        }

        // Every file of the policy: a name declared in one file is used in the others.
        return new Lsp.WorkspaceEdit(analysis.Index.Of(symbol)
            .GroupBy(o => o.Source)
            .ToDictionary(
                file => DocumentKey.UriOfPath(file.Key.FilePath),
                file => file.Select(o => new Lsp.TextEdit(DocumentAnalysis.RangeOf(file.Key, o.Span), newName)).ToArray()));
    }

    private static Occurrence Find(DocumentAnalysis analysis, Lsp.Position position)
    {
        int offset = analysis.OffsetOf(position);
        if (analysis.Index.At(analysis.Source, offset) is { } occurrence)
        {
            return occurrence;
        }

        string word = WordAt(analysis.Source.Text, offset);
        throw Refuse(SyntaxClassifier.IsKeyword(word)
            ? $"'{word}' is a keyword of the language and cannot be renamed"
            : "only a declared name (attribute, segment, stage, owner, channel, offer or event) can be renamed");
    }

    internal static string WordAt(string text, int offset)
    {
        int start = Math.Clamp(offset, 0, text.Length), end = start;
        while (start > 0 && IsNameChar(text[start - 1]))
        {
            start--;
        }

        while (end < text.Length && IsNameChar(text[end]))
        {
            end++;
        }

        return text[start..end];
    }

    internal static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string Noun(Symbol symbol) => symbol.Kind.ToString().ToLowerInvariant();

    private static LocalRpcException Refuse(string message) => new(message) { ErrorCode = RequestFailed };

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_]*$")]
    private static partial Regex Identifier();
}

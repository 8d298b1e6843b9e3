using AccountabilityDsl.Binding;
using AccountabilityDsl.LanguageServer.Workspace;
using AccountabilityDsl.Syntax;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>
/// Semantic tokens: the lexer's classification (keywords, numbers, strings, comments,
/// operators), with each name typed by the symbol it stands for.
/// </summary>
internal static class SemanticTokensProvider
{
    /// <summary>The legend: a token's type is its index here.</summary>
    public static readonly string[] TokenTypes =
        ["keyword", "comment", "string", "number", "operator", "variable", "class", "enumMember", "interface", "event", "function", "property", "type"];

    public static Lsp.SemanticTokens Tokens(DocumentAnalysis analysis)
    {
        var data = new List<int>();
        int previousLine = 0, previousCharacter = 0;
                foreach (ClassifiedSpan token in SyntaxClassifier.Classify(analysis.Source.Text))
        {
            int type = token.Kind switch
            {
                ClassificationKind.Keyword => TypeIndex("keyword"),
                ClassificationKind.Comment => TypeIndex("comment"),
                ClassificationKind.String => TypeIndex("string"),
                ClassificationKind.Number => TypeIndex("number"),
                ClassificationKind.Operator => TypeIndex("operator"),
                ClassificationKind.Identifier => analysis.Index.At(analysis.Source, token.Span.Start) is { } occurrence && occurrence.Span == token.Span
                    ? TypeIndex(NameType(occurrence.Symbol.Kind))
                    : TypeIndex("variable"),
                _ => -1,
            };
            if (type < 0)
            {
                continue;
            }

            // A token may span lines (a block comment): LSP tokens are one line each.
            for (int start = token.Span.Start; start < token.Span.End;)
            {
                Lsp.Position position = analysis.PositionOf(start);
                int lineEnd = start;
                while (lineEnd < token.Span.End && analysis.Source.Text[lineEnd] is not '\n' and not '\r')
                {
                    lineEnd++;
                }

                if (lineEnd > start)
                {
                    int deltaLine = position.Line - previousLine;
                    int deltaCharacter = deltaLine == 0 ? position.Character - previousCharacter : position.Character;
                    data.AddRange([deltaLine, deltaCharacter, lineEnd - start, type, 0]);
                    (previousLine, previousCharacter) = (position.Line, position.Character);
                }

                start = lineEnd;
                while (start < token.Span.End && analysis.Source.Text[start] is '\n' or '\r')
                {
                    start++;
                }
            }
        }

        return new Lsp.SemanticTokens([.. data]);
    }

    private static string NameType(SymbolKind kind) => kind switch
    {
        SymbolKind.Attribute => "property",
        SymbolKind.Segment => "class",
        SymbolKind.Stage => "enumMember",
        SymbolKind.Owner => "interface",
        SymbolKind.Channel => "event",
        SymbolKind.Offer => "function",
        _ => "variable",
    };

    private static int TypeIndex(string type) => Array.IndexOf(TokenTypes, type);
}

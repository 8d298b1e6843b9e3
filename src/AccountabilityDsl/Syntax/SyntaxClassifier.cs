using System.Collections.Immutable;
using Antlr4.Runtime;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>What a token is, for editors (semantic tokens) and tools that colour text.</summary>
public enum ClassificationKind { Keyword, Identifier, Number, String, Comment, Operator, Punctuation }

/// <summary>One token of a file, with its kind.</summary>
public readonly record struct ClassifiedSpan(TextSpan Span, ClassificationKind Kind);

/// <summary>
/// The lexical view of a file: every token with its kind, from the grammar's own lexer, so a
/// keyword added to the grammar is classified as one with no change here. Works on any text,
/// half-typed or invalid; an unknown character is simply skipped. Names are classified as
/// <see cref="ClassificationKind.Identifier"/>: what a name refers to is the semantic model's job.
/// </summary>
public static class SyntaxClassifier
{
    /// <summary>Every keyword of the language (the lexer's alphabetic literals), in grammar order.</summary>
    public static ImmutableArray<string> Keywords { get; } = ReadKeywords();

    public static bool IsKeyword(string word) => KeywordSet.Contains(word);

    private static readonly HashSet<string> KeywordSet = new(Keywords, StringComparer.Ordinal);

    public static ImmutableArray<ClassifiedSpan> Classify(string text)
    {
        var lexer = new OwnerLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var result = ImmutableArray.CreateBuilder<ClassifiedSpan>();
        for (IToken token = lexer.NextToken(); token.Type != TokenConstants.EOF; token = lexer.NextToken())
        {
            if (token.StartIndex < 0 || token.StopIndex < token.StartIndex)
            {
                continue;
            }

            var span = TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            ClassificationKind? kind = token.Type switch
            {
                OwnerLexer.IDENTIFIER or OwnerLexer.NON_ASCII_IDENTIFIER => ClassificationKind.Identifier,
                OwnerLexer.INTEGER or OwnerLexer.DECIMAL_NUMBER => ClassificationKind.Number,
                OwnerLexer.STRING or OwnerLexer.UNTERMINATED_STRING => ClassificationKind.String,
                OwnerLexer.LINE_COMMENT or OwnerLexer.BLOCK_COMMENT => ClassificationKind.Comment,
                OwnerLexer.COMMA or OwnerLexer.COLON or OwnerLexer.LBRACE or OwnerLexer.RBRACE
                    or OwnerLexer.LPAREN or OwnerLexer.RPAREN or OwnerLexer.DOT => ClassificationKind.Punctuation,
                _ when IsKeyword(token.Text) => ClassificationKind.Keyword,
                _ when token.Type > 0 && token.Type <= MaxTokenType => ClassificationKind.Operator,
                _ => null,
            };
            if (kind is { } k)
            {
                result.Add(new ClassifiedSpan(span, k));
            }
        }

        return result.ToImmutable();
    }

    private static int MaxTokenType => OwnerLexer.DefaultVocabulary is Vocabulary v ? v.getMaxTokenType() : 0;

    private static ImmutableArray<string> ReadKeywords()
    {
        IVocabulary vocabulary = OwnerLexer.DefaultVocabulary;
        var keywords = ImmutableArray.CreateBuilder<string>();
        for (int type = 1; type <= MaxTokenType; type++)
        {
            // Literal names are quoted: 'policy'.
            if (vocabulary.GetLiteralName(type) is { Length: > 2 } literal
                && literal.Trim('\'') is { Length: > 0 } word
                && word.All(char.IsLetter))
            {
                keywords.Add(word);
            }
        }

        return keywords.ToImmutable();
    }
}

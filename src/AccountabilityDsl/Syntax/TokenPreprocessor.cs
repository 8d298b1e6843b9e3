using Antlr4.Runtime;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Sits between the ANTLR lexer and parser and turns lexical problems into diagnostics, so that
/// the parser only ever sees well-formed tokens:
/// runs of unexpected characters (binary files, stray symbols) become one OWN0001 each,
/// an unterminated string is reported and handed on as a string, comments are collected for the
/// formatter and for suppressions, and predicate nesting is capped so that hostile input such as
/// 100,000 nested parentheses cannot overflow the stack of a recursive-descent parser.
/// </summary>
internal sealed class TokenPreprocessor : ITokenSource
{
    /// <summary>
    /// Deepest predicate nesting accepted: each open parenthesis and each pending <c>not</c>
    /// counts one level. Far beyond anything a person writes; far below what exhausts the stack.
    /// </summary>
    public const int MaxPredicateNesting = 256;

    private readonly OwnerLexer _lexer;
    private readonly SourceText _source;
    private readonly SyntaxDiagnosticSink _diagnostics;
    private readonly List<CommentSyntax> _comments = [];

    // Pending `not`s per open parenthesis level: `not` binds tightest, so `and`/`or` at the same
    // level ends them, and `)` ends the level.
    private readonly Stack<int> _pendingNots = new([0]);
    private int _nestingDepth;
    private int _droppedOpenParens;
    private bool _nestingReported;
    private IToken? _lookahead;

    public TokenPreprocessor(OwnerLexer lexer, SourceText source, SyntaxDiagnosticSink diagnostics)
    {
        _lexer = lexer;
        _source = source;
        _diagnostics = diagnostics;
    }

    public IReadOnlyList<CommentSyntax> Comments => _comments;

    public int Line => _lexer.Line;

    public int Column => _lexer.Column;

    public ICharStream InputStream => (ICharStream)_lexer.InputStream;

    public string SourceName => _lexer.SourceName;

    public ITokenFactory TokenFactory { get => _lexer.TokenFactory; set => _lexer.TokenFactory = value; }

    public IToken NextToken()
    {
        while (true)
        {
            IToken token = Translate(Take());
            switch (token.Type)
            {
                case OwnerLexer.LINE_COMMENT:
                case OwnerLexer.BLOCK_COMMENT:
                    RecordComment(token);
                    continue;
                case OwnerLexer.UNEXPECTED_CHARACTER:
                    ReportUnexpectedCharacters(token);
                    continue;
                case OwnerLexer.STRAY_COMMENT_END:
                    _diagnostics.Report(SpanOf(token), "this '*/' closes no comment: there is no '/*' before it");
                    continue;
                case OwnerLexer.NON_ASCII_IDENTIFIER:
                    _diagnostics.Report(SpanOf(token), $"'{Shorten(token.Text)}' is not a valid name: names use only the letters A-Z and a-z, digits and '_'");
                    return new CommonToken(token) { Type = OwnerLexer.IDENTIFIER };
                case OwnerLexer.UNTERMINATED_STRING:
                    _diagnostics.Report(SpanOf(token), "unterminated string: add a closing '\"' before the end of the line");
                    return new CommonToken(token) { Type = OwnerLexer.STRING };
                case OwnerLexer.SEGMENT:
                    ResetNesting();
                    return token;
                case OwnerLexer.LPAREN:
                    if (_nestingDepth >= MaxPredicateNesting)
                    {
                        ReportTooDeep(token);
                        _droppedOpenParens++;
                        continue;
                    }

                    _nestingDepth++;
                    _pendingNots.Push(0);
                    return token;
                case OwnerLexer.RPAREN:
                    if (_droppedOpenParens > 0)
                    {
                        _droppedOpenParens--;
                        continue;
                    }

                    if (_pendingNots.Count > 1)
                    {
                        _nestingDepth -= _pendingNots.Pop() + 1;
                    }

                    return token;
                case OwnerLexer.NOT:
                    if (_nestingDepth >= MaxPredicateNesting)
                    {
                        ReportTooDeep(token);
                        continue;
                    }

                    _nestingDepth++;
                    _pendingNots.Push(_pendingNots.Pop() + 1);
                    return token;
                case OwnerLexer.AND:
                case OwnerLexer.OR:
                    _nestingDepth -= _pendingNots.Pop();
                    _pendingNots.Push(0);
                    return token;
                default:
                    return token;
            }
        }
    }

    /// <summary>
    /// Operators borrowed from other languages (<c>=</c>, <c>&amp;&amp;</c>, <c>!</c>, ...): report the spelling
    /// the language uses and hand the parser the operator that was meant.
    /// </summary>
    private IToken Translate(IToken token)
    {
        (int type, string spelling) = token.Type switch
        {
            OwnerLexer.MISTAKEN_EQ => (OwnerLexer.EQ, "=="),
            OwnerLexer.MISTAKEN_LE => (OwnerLexer.LE, SyntaxFacts.Text(ComparisonOperator.LessThanOrEqual)),
            OwnerLexer.MISTAKEN_GE => (OwnerLexer.GE, SyntaxFacts.Text(ComparisonOperator.GreaterThanOrEqual)),
            OwnerLexer.MISTAKEN_NE => (OwnerLexer.NE, "!="),
            OwnerLexer.MISTAKEN_AND => (OwnerLexer.AND, "and"),
            OwnerLexer.MISTAKEN_OR => (OwnerLexer.OR, "or"),
            OwnerLexer.MISTAKEN_NOT => (OwnerLexer.NOT, "not"),
            OwnerLexer.MISTAKEN_BIT_AND => (OwnerLexer.AND, "and"),
            OwnerLexer.MISTAKEN_BIT_OR => (OwnerLexer.OR, "or"),
            _ => (0, ""),
        };
        if (type == 0)
        {
            return token;
        }

        string what = type == OwnerLexer.EQ ? "to compare, write '=='" : $"write '{spelling}'";
        _diagnostics.Report(SpanOf(token), $"'{token.Text}' is not an operator of this language; {what}");
        return new CommonToken(token) { Type = type };
    }

    private IToken Take()
    {
        if (_lookahead is { } pending)
        {
            _lookahead = null;
            return pending;
        }

        return _lexer.NextToken();
    }

    private void RecordComment(IToken token)
    {
        var span = SpanOf(token);
        string text = token.Text;
        _comments.Add(new CommentSyntax(text, span));
        if (token.Type == OwnerLexer.BLOCK_COMMENT && (text.Length < 4 || !text.EndsWith("*/", StringComparison.Ordinal)))
        {
            _diagnostics.Report(new TextSpan(span.Start, 2), "unterminated comment: this '/*' has no closing '*/'");
        }
    }

    private void ReportUnexpectedCharacters(IToken first)
    {
        IToken last = first;
        int gapStart = first.StopIndex + 1;
        while (true)
        {
            IToken next = _lexer.NextToken();
            // A block comment between stray characters on one line does not split the run:
            // layout and comments must not change how many problems a line has.
            if (next.Type == OwnerLexer.BLOCK_COMMENT && OnlySpacesBetween(gapStart, next.StartIndex))
            {
                RecordComment(next);
                gapStart = next.StopIndex + 1;
                continue;
            }

            if (next.Type == OwnerLexer.UNEXPECTED_CHARACTER && OnlySpacesBetween(gapStart, next.StartIndex))
            {
                last = next;
                gapStart = next.StopIndex + 1;
                continue;
            }

            _lookahead = next;
            break;
        }

        var span = TextSpan.FromBounds(first.StartIndex, last.StopIndex + 1);
        string text = _source.ToString(span);
        int characters = CountCharacters(text);
        char c = text[0];
        string message;
        if (characters == 1)
        {
            message = $"unexpected character {Show(text)}";
        }
        else if (text.Length <= 12 && text.All(ch => ch == ' ' || ch == '\t' || IsPrintable(ch)))
        {
            message = $"unexpected characters '{text}'";
        }
        else
        {
            int others = characters - 1;
            message = $"unexpected character {Show(text)} (and {others} more after it)";
        }
        if (c == '\uFFFD' && _source.InvalidEncodingSpan is { } invalid)
        {
            if (invalid.Start == span.Start)
            {
                return; // the parser has reported the file's first invalid byte already
            }

            message += ": the file is not valid UTF-8 here";
        }

        _diagnostics.Report(span, message);
    }

    private bool OnlySpacesBetween(int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (_source.Text[i] is not (' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    // Characters as people count them: a surrogate pair is one, spaces between a run's parts are none.
    private static int CountCharacters(string text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is ' ' or '\t' || char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1]))
            {
                continue;
            }

            count++;
        }

        return count;
    }

    /// <summary>Whether a character can be quoted in a message as itself; format characters (bidi overrides, zero-width joiners) cannot: they would rearrange the message.</summary>
    private static bool IsPrintable(char c) =>
        !char.IsControl(c) && !char.IsWhiteSpace(c) && !char.IsSurrogate(c) && c != '\uFFFD'
        && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format;

    /// <summary>The first character of a run: itself when printable, else its code point (U+0000, U+1F600).</summary>
    private static string Show(string text)
    {
        if (char.IsHighSurrogate(text[0]) && text.Length > 1 && char.IsLowSurrogate(text[1]))
        {
            return $"'{text[..2]}' (U+{char.ConvertToUtf32(text[0], text[1]):X4})";
        }

        char c = text[0];
        return IsPrintable(c) ? $"'{c}'" : $"U+{(int)c:X4}";
    }

    private void ReportTooDeep(IToken token)
    {
        if (_nestingReported)
        {
            return;
        }

        _nestingReported = true;
        _diagnostics.Report(SpanOf(token), $"this predicate is nested more than {MaxPredicateNesting} levels deep; simplify it");
    }

    private void ResetNesting()
    {
        _pendingNots.Clear();
        _pendingNots.Push(0);
        _nestingDepth = 0;
        _droppedOpenParens = 0;
        _nestingReported = false; // each segment that is too deep gets its own error
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static TextSpan SpanOf(IToken token) => TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
}

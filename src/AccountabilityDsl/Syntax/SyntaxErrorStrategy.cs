using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// ANTLR's recovery (single-token insertion and deletion, then resynchronising on follow sets),
/// with messages written for policy authors instead of ANTLR's token dumps:
/// "expected a stage name after '->', but found the end of the file".
/// </summary>
internal sealed class SyntaxErrorStrategy(SyntaxDiagnosticSink diagnostics) : DefaultErrorStrategy
{
    // What an identifier is called where a rule expects one. Name rules are listed, and so are
    // the list rules that make a decision before entering a name rule.
    private static readonly Dictionary<int, string> NameNouns = new()
    {
        [OwnerParser.RULE_policyName] = "a policy name",
        [OwnerParser.RULE_namespaceName] = "a namespace name",
        [OwnerParser.RULE_namespacePart] = "a namespace name",
        [OwnerParser.RULE_attributeName] = "an attribute name",
        [OwnerParser.RULE_attributeType] = "an attribute type",
        [OwnerParser.RULE_enumMemberName] = "an enum member name",
        [OwnerParser.RULE_attributeRef] = "an attribute name",
        [OwnerParser.RULE_predicate] = "an attribute name",
        [OwnerParser.RULE_literal] = "a value",
        [OwnerParser.RULE_segmentName] = "a segment name",
        [OwnerParser.RULE_segmentRef] = "a segment name",
        [OwnerParser.RULE_segmentList] = "a segment name",
        [OwnerParser.RULE_stageName] = "a stage name",
        [OwnerParser.RULE_stageRef] = "a stage name",
        [OwnerParser.RULE_stageRange] = "a stage name",
        [OwnerParser.RULE_stageList] = "a stage name",
        [OwnerParser.RULE_ownerName] = "an owner name",
        [OwnerParser.RULE_ownerRef] = "an owner name",
        [OwnerParser.RULE_channelName] = "a channel name",
        [OwnerParser.RULE_channelRef] = "a channel name",
        [OwnerParser.RULE_channelList] = "a channel name",
        [OwnerParser.RULE_offerName] = "an offer name",
        [OwnerParser.RULE_limitScope] = "a channel or offer name",
        [OwnerParser.RULE_limitTargetRef] = "a channel or offer name",
        [OwnerParser.RULE_eventName] = "an event name",
        [OwnerParser.RULE_categoryName] = "a category name",
    };

    private static readonly int[] DeclarationKeywords =
    [
        OwnerLexer.POLICY, OwnerLexer.ATTRIBUTE, OwnerLexer.SEGMENT, OwnerLexer.STAGES, OwnerLexer.OWNER,
        OwnerLexer.CHANNEL, OwnerLexer.ACCOUNTABLE, OwnerLexer.RESPONSIBLE, OwnerLexer.CONSULTED,
        OwnerLexer.INFORMED, OwnerLexer.OFFER, OwnerLexer.LIMIT, OwnerLexer.COOLDOWN, OwnerLexer.EXEMPT,
    ];

    protected override void ReportNoViableAlternative(Parser recognizer, NoViableAltException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, GetExpectedTokens(recognizer));

    protected override void ReportInputMismatch(Parser recognizer, InputMismatchException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, e.GetExpectedTokens());

    protected override void ReportFailedPredicate(Parser recognizer, FailedPredicateException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, GetExpectedTokens(recognizer));

    protected override void ReportMissingToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        ReportExpected(recognizer, recognizer.CurrentToken, recognizer.Context, GetExpectedTokens(recognizer));
    }

    protected override void ReportUnwantedToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        IToken unwanted = recognizer.CurrentToken;
        IntervalSet expectedTokens = GetExpectedTokens(recognizer);
        if (!IsDeclarationLevel(expectedTokens))
        {
            ReportExpected(recognizer, unwanted, recognizer.Context, expectedTokens);
            return;
        }

        // Between declarations: the token starts nothing the language knows.
        IToken? previous = PreviousToken(recognizer, unwanted);
        string found = DescribeFound(unwanted, expectsName: false);
        string message = previous is null
            ? $"unexpected {found}; expected a declaration ('policy', 'segment', 'owner', 'accountable', ...)"
            : $"unexpected {found} after '{Shorten(previous.Text)}'; expected a new declaration ('segment', 'owner', 'accountable', ...)";
        diagnostics.Report(SpanOf(unwanted), message);
    }

    private static bool IsDeclarationLevel(IntervalSet expected) =>
        DeclarationKeywords.Count(expected.Contains) >= DeclarationKeywords.Length - 1;

    private void ReportExpected(Parser recognizer, IToken offending, ParserRuleContext context, IntervalSet expectedTokens)
    {
        IToken? previous = PreviousToken(recognizer, offending);
        string expected = DescribeExpected(expectedTokens, context);
        string found = DescribeFound(offending, expectsName: expectedTokens.Contains(OwnerLexer.IDENTIFIER));
        string message = previous is null
            ? $"expected {expected}, but found {found}"
            : $"expected {expected} after '{Shorten(previous.Text)}', but found {found}";

        // When the offending token is on a later line (or is the end of the file), the mistake is
        // at the end of the previous token: point there, as compilers do for a missing ';'.
        TextSpan span = previous is not null && (offending.Type == TokenConstants.EOF || offending.Line > previous.Line)
            ? new TextSpan(previous.StopIndex + 1, 0)
            : SpanOf(offending);
        diagnostics.Report(span, message);
    }

    private static IToken? PreviousToken(Parser recognizer, IToken offending)
    {
        var stream = (ITokenStream)recognizer.InputStream;
        for (int i = offending.TokenIndex - 1; i >= 0; i--)
        {
            IToken candidate = stream.Get(i);
            if (candidate.Channel == TokenConstants.DefaultChannel)
            {
                return candidate;
            }
        }

        return null;
    }

    internal static string DescribeExpected(IntervalSet expected, RuleContext context)
    {
        if (IsDeclarationLevel(expected))
        {
            return expected.Contains(TokenConstants.EOF) && expected.Count <= DeclarationKeywords.Length + 1
                ? "a declaration ('segment', 'owner', 'accountable', ...)"
                : "a declaration ('segment', 'owner', 'accountable', ...) or the rest of this one";
        }

        if (expected.Contains(OwnerLexer.INTEGER) && expected.Contains(OwnerLexer.TRUE) && expected.Contains(OwnerLexer.IDENTIFIER))
        {
            return "a value (a number, 'true', 'false' or an enum member)";
        }

        var parts = new List<string>();
        foreach (int type in expected.ToArray())
        {
            string? part = type switch
            {
                OwnerLexer.IDENTIFIER => NounFor(context),
                OwnerLexer.INTEGER => "a whole number",
                OwnerLexer.DECIMAL_NUMBER => null, // always alongside INTEGER: "a number" below
                OwnerLexer.STRING => "a description in double quotes",
                OwnerLexer.MINUS => null,
                TokenConstants.EOF => "the end of the file",
                _ => $"'{DisplayOf(type)}'",
            };
            if (type == OwnerLexer.DECIMAL_NUMBER)
            {
                parts.Remove("a whole number");
                part = "a number";
            }

            if (part is not null && !parts.Contains(part))
            {
                parts.Add(part);
            }
        }

        return parts.Count switch
        {
            0 => "something else",
            1 => parts[0],
            _ => string.Join(", ", parts.Take(parts.Count - 1)) + " or " + parts[^1],
        };
    }

    private static string NounFor(RuleContext context)
    {
        for (RuleContext? c = context; c is not null; c = c.Parent)
        {
            if (NameNouns.TryGetValue(c.RuleIndex, out string? noun))
            {
                return noun;
            }
        }

        return "a name";
    }

    private static string DescribeFound(IToken token, bool expectsName)
    {
        if (token.Type == TokenConstants.EOF)
        {
            return "the end of the file";
        }

        string text = Shorten(token.Text);
        if (IsKeyword(token.Type))
        {
            return expectsName
                ? $"keyword '{text}' (keywords are reserved and cannot be used as names)"
                : $"keyword '{text}'";
        }

        return token.Type == OwnerLexer.STRING ? $"string {text}" : $"'{text}'";
    }

    internal static bool IsKeyword(int type) => type >= OwnerLexer.POLICY && type <= OwnerLexer.YEARS;

    private static string DisplayOf(int type)
    {
        string literal = OwnerLexer.DefaultVocabulary.GetLiteralName(type) ?? OwnerLexer.DefaultVocabulary.GetDisplayName(type);
        return literal.Trim('\'');
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static TextSpan SpanOf(IToken token) =>
        token.Type == TokenConstants.EOF ? new TextSpan(token.StartIndex < 0 ? 0 : token.StartIndex, 0) : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
}

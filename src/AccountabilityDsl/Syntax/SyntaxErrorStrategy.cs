using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Antlr4.Runtime.Tree;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// ANTLR's recovery (single-token insertion and deletion, then resynchronising on follow sets),
/// with messages written for policy authors instead of ANTLR's token dumps:
/// "expected a stage name after '->', but found the end of the file".
/// </summary>
/// <remarks>
/// Two refinements keep one mistake from producing several errors:
/// a keyword or a decimal written where a name or a whole number belongs is taken as that name or
/// number when what follows it fits (<c>owner policy</c>, <c>at most 3.5 per 5 days</c>), and only
/// the first error of each declaration is reported: the rest of a broken declaration usually only
/// echoes the first mistake. Recovery resumes at the next declaration keyword.
/// </remarks>
internal sealed class SyntaxErrorStrategy(SyntaxDiagnosticSink diagnostics, SourceText source) : DefaultErrorStrategy
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
        [OwnerParser.RULE_limitCounter] = "'customer' or 'household'",
        [OwnerParser.RULE_groupName] = "a group name",
        [OwnerParser.RULE_offerSetRef] = "an offer or group name",
        [OwnerParser.RULE_quietItem] = "quiet hours such as '20:00..09:00' or a day such as 'Sunday'",
        [OwnerParser.RULE_timeOfDay] = "a time of day such as '09:00'",
        [OwnerParser.RULE_dayRef] = "a day of the week such as 'Sunday'",
        [OwnerParser.RULE_eventName] = "an event name",
        [OwnerParser.RULE_categoryName] = "a category name",
    };

    private static readonly int[] DeclarationKeywords =
    [
        OwnerLexer.POLICY, OwnerLexer.ATTRIBUTE, OwnerLexer.SEGMENT, OwnerLexer.STAGES, OwnerLexer.OWNER,
        OwnerLexer.CHANNEL, OwnerLexer.ACCOUNTABLE, OwnerLexer.RESPONSIBLE, OwnerLexer.CONSULTED,
        OwnerLexer.INFORMED, OwnerLexer.OFFER, OwnerLexer.LIMIT, OwnerLexer.COOLDOWN, OwnerLexer.EXEMPT,
        OwnerLexer.FALLBACK, OwnerLexer.GROUP, OwnerLexer.NEVER, OwnerLexer.QUIET,
    ];

    private static readonly int[] PeriodTokens =
    [
        OwnerLexer.DAY, OwnerLexer.DAYS, OwnerLexer.WEEK, OwnerLexer.WEEKS,
        OwnerLexer.MONTH, OwnerLexer.MONTHS, OwnerLexer.YEAR, OwnerLexer.YEARS,
    ];

    private static readonly int[] ComparisonTokens =
    [
        OwnerLexer.LT, OwnerLexer.LE, OwnerLexer.GT, OwnerLexer.GE, OwnerLexer.EQ, OwnerLexer.NE,
    ];

    private static readonly int[] OfferClauseTokens =
    [
        OwnerLexer.AT, OwnerLexer.VIA, OwnerLexer.MIN, OwnerLexer.PRIORITY, OwnerLexer.APPROVED,
    ];

    private const string NewDeclaration = "a new declaration ('segment', 'owner', 'accountable', ...)";

    // The declaration that the last reported error belongs to: later errors in it are echoes.
    private ParserRuleContext? _lastErrorDeclaration;

    protected override void ReportNoViableAlternative(Parser recognizer, NoViableAltException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, GetExpectedTokens(recognizer), keywordAsName: false);

    protected override void ReportInputMismatch(Parser recognizer, InputMismatchException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, e.GetExpectedTokens(), keywordAsName: false);

    protected override void ReportFailedPredicate(Parser recognizer, FailedPredicateException e) =>
        ReportExpected(recognizer, e.OffendingToken, recognizer.Context, GetExpectedTokens(recognizer), keywordAsName: false);

    protected override void ReportMissingToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        ReportExpected(recognizer, recognizer.CurrentToken, recognizer.Context, GetExpectedTokens(recognizer), keywordAsName: false);
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
            ReportExpected(recognizer, unwanted, recognizer.Context, expectedTokens, keywordAsName: false);
            return;
        }

        ReportBetweenDeclarations(recognizer, unwanted);
    }

    /// <summary>
    /// Before ANTLR's own single-token deletion and insertion: a keyword where a name belongs, or a
    /// decimal where a whole number belongs, is one mistake. When the token after it is what would
    /// follow the name, the keyword is taken as the (missing) name; when the keyword itself is what
    /// would follow, the name is missing. Either way exactly one error, and parsing goes on in step.
    /// </summary>
    public override IToken RecoverInline(Parser recognizer)
    {
        IToken current = recognizer.CurrentToken;
        if (StartsNextDeclaration(recognizer, current))
        {
            // Finish this declaration with what is missing; never eat the next one.
            ReportMissingToken(recognizer);
            return GetMissingSymbol(recognizer);
        }

        IntervalSet expecting = GetExpectedTokens(recognizer);
        var tokens = (ITokenStream)recognizer.InputStream;
        bool keywordForName = IsKeyword(current.Type) && expecting.Contains(OwnerLexer.IDENTIFIER);
        bool decimalForCount = current.Type == OwnerLexer.DECIMAL_NUMBER && expecting.Contains(OwnerLexer.INTEGER);
        // A declaration keyword mid-line that is not followed by what its declaration needs
        // (`per limit` at the end of a line) is a misplaced word, not the start of a declaration.
        bool misplacedKeyword = DeclarationKeywords.Contains(current.Type) && !LooksLikeDeclarationStart(current.Type, tokens.LA(2));
        // ... and so is one mid-line where another keyword or a symbol belongs, when what follows
        // it fits (`offer BoatLoan responsible Manager to ...`: 'responsible' stands in for 'by').
        bool keywordForKeyword = DeclarationKeywords.Contains(current.Type) && !expecting.Contains(OwnerLexer.IDENTIFIER);
        if (!keywordForName && !decimalForCount && !misplacedKeyword && !keywordForKeyword)
        {
            return base.RecoverInline(recognizer);
        }

        ATNState state = recognizer.Interpreter.atn.states[recognizer.State];
        IntervalSet follow = recognizer.Interpreter.atn.NextTokens(state.Transition(0).target, recognizer.RuleContext);

        // What follows fits: the token stands in for the missing one (`owner policy "doc"`).
        if (follow.Contains(tokens.LA(2)))
        {
            if (!InErrorRecoveryMode(recognizer))
            {
                BeginErrorCondition(recognizer);
                ReportExpected(recognizer, current, recognizer.Context, expecting, keywordAsName: keywordForName);
            }

            EndErrorCondition(recognizer);
            recognizer.Consume(); // taken in place of the name or number; the builder sees it as missing
            return current;
        }

        // A stray keyword before the name (`segment limit MassMarket where ...`): delete it.
        if (keywordForName && tokens.LA(2) == OwnerLexer.IDENTIFIER && follow.Contains(tokens.LA(3)))
        {
            return base.RecoverInline(recognizer);
        }

        // The keyword is what comes after the name: the name is missing (`for Retail, at Active`).
        if (keywordForName && !misplacedKeyword && follow.Contains(current.Type))
        {
            ReportMissingToken(recognizer);
            return GetMissingSymbol(recognizer);
        }

        return base.RecoverInline(recognizer);
    }

    /// <summary>
    /// ANTLR's recovery consumes a token when it fails twice at the same state and input position,
    /// to guarantee progress. Unwinding nested parentheses fails at the same state once per level,
    /// so with three or more open levels it used to swallow the next declaration. A token that
    /// starts the next declaration is never consumed here: returning from the rule is progress
    /// enough, and the declaration loop takes it.
    /// </summary>
    public override void Recover(Parser recognizer, RecognitionException e)
    {
        IToken current = recognizer.CurrentToken;
        if (StartsNextDeclaration(recognizer, current))
        {
            return;
        }

        // A declaration keyword in the middle of a line that is not followed by what that
        // declaration needs (`at informed via Email`) is a misplaced word, not a new declaration:
        // skip it with the rest of the broken part instead of reporting the "declaration" too.
        if (DeclarationKeywords.Contains(current.Type) && !LooksLikeDeclarationStart(current.Type, ((ITokenStream)recognizer.InputStream).LA(2)))
        {
            recognizer.Consume();
        }

        base.Recover(recognizer, e);
    }

    /// <summary>
    /// ANTLR treats a stray word before the first declaration differently from one between two
    /// declarations: at the entry of the file's declaration loop it can only delete a single
    /// token, and otherwise gives up on the whole rule, whose recovery set is the end of the file.
    /// So <c>polcy RetailBank</c> on the first line swallowed every declaration after it (and
    /// reported a missing lifecycle). Recover there as between declarations: report the word and
    /// skip to the next declaration keyword.
    /// </summary>
    public override void Sync(Parser recognizer)
    {
        ATNState state = recognizer.Interpreter.atn.states[recognizer.State];
        if (state.StateType != StateType.StarLoopEntry || recognizer.Context is not OwnerParser.PolicyFileContext || InErrorRecoveryMode(recognizer))
        {
            base.Sync(recognizer);
            return;
        }

        IntervalSet next = recognizer.Atn.NextTokens(state);
        if (next.Contains(((ITokenStream)recognizer.InputStream).LA(1)) || SingleTokenDeletion(recognizer) is not null)
        {
            return;
        }

        ReportUnwantedToken(recognizer);
        ConsumeUntil(recognizer, next.Or(GetErrorRecoverySet(recognizer)));
    }

    /// <summary>
    /// Skipping a broken part up to where parsing can go on. A line skipped with it that starts,
    /// at its first column, with a misspelt declaration keyword (<c>segmnt S</c>,
    /// <c>responsibel …</c>) is a mistake of its own, not part of the first one: it is reported
    /// too, so that consecutive broken lines each get their error. Only a word close to a
    /// keyword counts: a continuation line of the broken declaration (<c>B at *</c>) is not
    /// reported twice.
    /// </summary>
    protected override void ConsumeUntil(Parser recognizer, IntervalSet set)
    {
        var tokens = (ITokenStream)recognizer.InputStream;
        bool first = true;
        for (int type = tokens.LA(1); type != TokenConstants.EOF && !set.Contains(type); type = tokens.LA(1))
        {
            IToken token = recognizer.CurrentToken;
            if (!first && type == OwnerLexer.IDENTIFIER && source.GetLinePosition(token.StartIndex).Column == 1
                && PreviousToken(tokens, token) is { } previous && StartsLaterLine(token, previous)
                && MisspeltKeyword(token) is { Length: > 0 } suggestion)
            {
                // Not tied to a declaration: the broken declaration's own error is already out.
                Report(null, SpanOf(token), $"unexpected {DescribeFound(token, keywordAsName: false, expected: null)}; a declaration starts with a keyword such as 'segment', 'owner' or 'accountable'{suggestion}");
            }

            first = false;
            recognizer.Consume();
        }
    }

    private static bool LooksLikeDeclarationStart(int keyword, int next) => keyword switch
    {
        OwnerLexer.LIMIT => next is OwnerLexer.IDENTIFIER or OwnerLexer.OFFERS or OwnerLexer.CONTACTS,
        OwnerLexer.COOLDOWN => next == OwnerLexer.INTEGER,
        _ => next == OwnerLexer.IDENTIFIER,
    };

    /// <summary>
    /// Single-token deletion never deletes the keyword that starts the next declaration: in
    /// <c>where assets &gt;=</c> followed by <c>owner X</c> on the next line, deleting 'owner' would
    /// make X the missing value and swallow the owner declaration.
    /// </summary>
    protected override IToken? SingleTokenDeletion(Parser recognizer) =>
        StartsNextDeclaration(recognizer, recognizer.CurrentToken) ? null : base.SingleTokenDeletion(recognizer);

    private bool StartsNextDeclaration(Parser recognizer, IToken token)
    {
        if (token.Type == TokenConstants.EOF)
        {
            return true;
        }

        if (!DeclarationKeywords.Contains(token.Type))
        {
            return false;
        }

        IToken? previous = PreviousToken((ITokenStream)recognizer.InputStream, token);
        return previous is null || StartsLaterLine(token, previous);
    }

    private static bool IsDeclarationLevel(IntervalSet expected) =>
        DeclarationKeywords.Count(expected.Contains) >= DeclarationKeywords.Length - 1;

    private void ReportExpected(Parser recognizer, IToken offending, ParserRuleContext context, IntervalSet expectedTokens, bool keywordAsName)
    {
        if (IsDeclarationLevel(expectedTokens) && offending.Type != TokenConstants.EOF)
        {
            ReportBetweenDeclarations(recognizer, offending);
            return;
        }

        IToken? previous = PreviousToken((ITokenStream)recognizer.InputStream, offending);
        string expected = DescribeExpected(expectedTokens, context);
        string found = DescribeFound(offending, keywordAsName, expectedTokens);
        string closes = "";
        if (expectedTokens.Contains(OwnerLexer.RPAREN) && FindOpenParenthesis(context) is { } open)
        {
            LinePosition at = source.GetLinePosition(open.StartIndex);
            closes = $" (to close the '(' at line {at.Line}, column {at.Column})";
        }

        // "expected 'after' after 'days'" reads badly; "following" says the same.
        string after = expected.Contains("'after'", StringComparison.Ordinal) ? "following" : "after";
        // What stands on the next line is not what the author put in the wrong place: the line
        // ended too early (the span below points at its end).
        string but = previous is not null && offending.Type != TokenConstants.EOF && StartsLaterLine(offending, previous)
            ? "but the line ends there"
            : $"but found {found}";
        string message = previous is null
            ? $"expected {expected}{closes}, {but}"
            : $"expected {expected} {after} '{Shorten(previous.Text)}'{closes}, {but}";

        // When the offending token is on a later line (or is the end of the file), the mistake is
        // at the end of the previous token: point there, as compilers do for a missing ';'.
        TextSpan span = previous is not null && (offending.Type == TokenConstants.EOF || StartsLaterLine(offending, previous))
            ? new TextSpan(previous.StopIndex + 1, 0)
            : SpanOf(offending);
        Report(EnclosingDeclaration(context), span, message);
    }

    /// <summary>A token that no declaration can start with, where the previous declaration has ended.</summary>
    private void ReportBetweenDeclarations(Parser recognizer, IToken unwanted)
    {
        var tokens = (ITokenStream)recognizer.InputStream;
        IToken? previous = PreviousToken(tokens, unwanted);
        ParserRuleContext? previousDeclaration = LastDeclaration(recognizer.Context);
        string found = DescribeFound(unwanted, keywordAsName: false, expected: null);
        string message;
        if (previous is null)
        {
            message = $"unexpected {found}; a policy file starts with a declaration such as 'policy Name'{MisspeltKeyword(unwanted)}";
        }
        else if (unwanted.Type == OwnerLexer.RPAREN)
        {
            message = "this ')' has no matching '('";
        }
        else if (unwanted.Type == OwnerLexer.VIA && previousDeclaration?.GetChild(0) is OwnerParser.AccountableDeclarationContext)
        {
            message = "'via' is only allowed on responsible, consulted and informed lines and in offers: an accountable line names no channels";
        }
        else if (StartsLaterLine(unwanted, previous))
        {
            message = $"unexpected {found}; a declaration starts with a keyword such as 'segment', 'owner' or 'accountable'{MisspeltKeyword(unwanted)}";
        }
        else
        {
            IntervalSet continuations = ContinuationsOf(recognizer, previousDeclaration);
            string expected = continuations.Count == 0
                ? NewDeclaration
                : DescribeExpected(continuations, previousDeclaration ?? recognizer.Context, "a new declaration");
            message = $"unexpected {found} after '{Shorten(previous.Text)}'; expected {expected}";
        }

        Report(previousDeclaration, SpanOf(unwanted), message);
    }

    private void Report(ParserRuleContext? declaration, TextSpan span, string message)
    {
        if (declaration is not null && ReferenceEquals(declaration, _lastErrorDeclaration))
        {
            return; // an echo of the error already reported in this declaration
        }

        _lastErrorDeclaration = declaration;
        if (declaration is null)
        {
            diagnostics.Report(span, message);
        }
        else
        {
            diagnostics.Report(span, message, declaration);
        }
    }

    private static ParserRuleContext? EnclosingDeclaration(RuleContext? context)
    {
        for (RuleContext? c = context; c is not null; c = c.Parent)
        {
            if (c is OwnerParser.DeclarationContext declaration)
            {
                return declaration;
            }

            if (c is OwnerParser.PolicyFileContext file)
            {
                return LastDeclaration(file);
            }
        }

        return null;
    }

    private static ParserRuleContext? LastDeclaration(RuleContext? context) =>
        context is OwnerParser.PolicyFileContext file && file.ChildCount > 0 && file.GetChild(file.ChildCount - 1) is OwnerParser.DeclarationContext last
            ? last
            : null;

    /// <summary>
    /// The tokens that could have continued the previous, complete declaration: from the last
    /// token's rule up to the declaration, the follow of each rule invocation. That turns
    /// "unexpected 'B'" after <c>stages A B</c> into "expected '->' or a new declaration".
    /// </summary>
    private static IntervalSet ContinuationsOf(Parser recognizer, ParserRuleContext? declaration)
    {
        var result = new IntervalSet();
        if (declaration is null)
        {
            return result;
        }

        IParseTree? last = declaration;
        while (last is ParserRuleContext { ChildCount: > 0 } rule)
        {
            last = rule.GetChild(rule.ChildCount - 1);
        }

        if (last is not ITerminalNode leaf || leaf is IErrorNode)
        {
            return result;
        }

        if (leaf.Parent is OwnerParser.AttributeRefContext { Parent: OwnerParser.AttributePredicateContext })
        {
            // `where a 5`: the bare attribute could also have been the start of a comparison.
            foreach (int type in ComparisonTokens)
            {
                result.Add(type);
            }

            result.Add(OwnerLexer.IN);
        }

        ATN atn = recognizer.Interpreter.atn;
        for (RuleContext? c = (RuleContext)leaf.Parent; c is not null && c is not OwnerParser.DeclarationContext; c = c.Parent)
        {
            if (c.invokingState < 0 || atn.states[c.invokingState].Transition(0) is not RuleTransition call)
            {
                break;
            }

            IntervalSet next = atn.NextTokens(call.followState);
            result.AddAll(next);
            if (!next.Contains(TokenConstants.EPSILON))
            {
                break;
            }
        }

        result.Remove(TokenConstants.EPSILON);
        result.Remove(TokenConstants.EOF);
        foreach (int keyword in DeclarationKeywords)
        {
            result.Remove(keyword);
        }

        return result;
    }

    private static IToken? PreviousToken(ITokenStream stream, IToken offending)
    {
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

    // ANTLR counts only '\n' as a line break; the source's line map also knows lone CRs.
    private bool StartsLaterLine(IToken token, IToken previous) =>
        token.Type != TokenConstants.EOF
        && source.GetLinePosition(token.StartIndex).Line > source.GetLinePosition(previous.StopIndex + 1).Line;

    private static IToken? FindOpenParenthesis(RuleContext? context)
    {
        for (RuleContext? c = context; c is not null && c is not OwnerParser.DeclarationContext; c = c.Parent)
        {
            if (c is OwnerParser.ParenthesizedPredicateContext parenthesized && parenthesized.RPAREN() is null)
            {
                return parenthesized.Start;
            }
        }

        return null;
    }

    internal static string DescribeExpected(IntervalSet expected, RuleContext context, string? orElse = null)
    {
        if (IsDeclarationLevel(expected))
        {
            return expected.Contains(TokenConstants.EOF) && expected.Count <= DeclarationKeywords.Length + 1
                ? "a declaration ('segment', 'owner', 'accountable', ...)"
                : "a declaration ('segment', 'owner', 'accountable', ...) or the rest of this one";
        }

        // A limit reads as a phrase: name the phrase, not its first word.
        if (context is OwnerParser.LimitDeclarationContext limit && expected.Count == 1)
        {
            if (expected.Contains(OwnerLexer.PER) && limit.PER().Length == 0)
            {
                return "'per customer:'";
            }

            if (expected.Contains(OwnerLexer.AT))
            {
                return "'at most'";
            }
        }

        if (expected.Contains(OwnerLexer.INTEGER) && expected.Contains(OwnerLexer.TRUE) && expected.Contains(OwnerLexer.IDENTIFIER))
        {
            return "a value (a number, 'true', 'false' or an enum member)";
        }

        if (expected.Contains(OwnerLexer.NOT) && expected.Contains(OwnerLexer.LPAREN) && expected.Contains(OwnerLexer.IDENTIFIER))
        {
            return "a condition (an attribute name, 'not' or '(')";
        }

        if (expected.Contains(OwnerLexer.INT) && expected.Contains(OwnerLexer.ENUM))
        {
            return "an attribute type ('int', 'decimal', 'bool' or 'enum { ... }')";
        }

        var parts = new List<string>();
        bool periods = PeriodTokens.All(expected.Contains);
        bool comparisons = ComparisonTokens.All(expected.Contains);
        bool offerClauses = OfferClauseTokens.All(expected.Contains);
        foreach (int type in expected.ToArray())
        {
            string? part = type switch
            {
                OwnerLexer.IDENTIFIER => NounFor(context),
                OwnerLexer.INTEGER => "a whole number",
                OwnerLexer.TIME_OF_DAY => "a time of day such as '09:00'",
                OwnerLexer.DECIMAL_NUMBER => null, // always alongside INTEGER: "a number" below
                OwnerLexer.STRING => "a description in double quotes",
                OwnerLexer.MINUS => null,
                TokenConstants.EOF => "the end of the file",
                _ when periods && PeriodTokens.Contains(type) => "a time unit ('day', 'week', 'month' or 'year', or a plural)",
                _ when comparisons && ComparisonTokens.Contains(type) => "a comparison ('==', '!=', '<', '<=', '>' or '>=')",
                _ when offerClauses && OfferClauseTokens.Contains(type) => "an offer clause ('at', 'via', 'min cell', 'priority' or 'approved by')",
                _ when DeclarationKeywords.Contains(type) => null,
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

        if (parts.Count > 5)
        {
            parts = [.. parts.Take(4), "..."];
        }

        if (orElse is not null)
        {
            parts.Add(orElse);
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

    private static string DescribeFound(IToken token, bool keywordAsName, IntervalSet? expected)
    {
        if (token.Type == TokenConstants.EOF)
        {
            return "the end of the file";
        }

        string text = Shorten(token.Text);
        if (IsKeyword(token.Type))
        {
            return keywordAsName
                ? $"keyword '{text}' (keywords are reserved and cannot be used as names)"
                : $"keyword '{text}'";
        }

        bool countExpected = expected is not null && expected.Contains(OwnerLexer.INTEGER) && !expected.Contains(OwnerLexer.DECIMAL_NUMBER);
        return token.Type switch
        {
            OwnerLexer.STRING => $"string {text}",
            OwnerLexer.DECIMAL_NUMBER when countExpected => $"'{text}', which is not a whole number",
            OwnerLexer.MINUS when countExpected => "'-': a count cannot be negative",
            _ => $"'{text}'",
        };
    }

    internal static bool IsKeyword(int type) => type >= OwnerLexer.POLICY && type <= OwnerLexer.YEARS;

    private static string DisplayOf(int type)
    {
        string literal = OwnerLexer.DefaultVocabulary.GetLiteralName(type) ?? OwnerLexer.DefaultVocabulary.GetDisplayName(type);
        return literal.Trim('\'');
    }

    /// <summary>"; did you mean 'attribute'?" when a name stands where a declaration starts and is close to a declaration keyword.</summary>
    private static string MisspeltKeyword(IToken token) =>
        token.Type == OwnerLexer.IDENTIFIER && SpellingSuggestion.Closest(token.Text, DeclarationKeywords.Select(DisplayOf)) is { } keyword
            ? $"; did you mean '{keyword}'?"
            : "";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static TextSpan SpanOf(IToken token) =>
        token.Type == TokenConstants.EOF ? new TextSpan(token.StartIndex < 0 ? 0 : token.StartIndex, 0) : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;
using static AccountabilityDsl.Syntax.Grammar.OwnerParser;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Turns the ANTLR parse tree into the immutable syntax model. After a syntax error ANTLR leaves
/// contexts partly filled; every accessor here tolerates that and produces "missing" parts.
/// </summary>
internal sealed class SyntaxTreeBuilder(SourceText source, SyntaxDiagnosticSink diagnostics)
{
    // Where the declaration being built ends at the latest: where the next one starts. Syntax
    // errors about a declaration can sit just past its last token.
    private int _extentEnd;

    // The declaration being built: whether the parser found an error in it.
    private DeclarationContext? _declaration;

    public ImmutableArray<DeclarationSyntax> Build(PolicyFileContext file)
    {
        var result = ImmutableArray.CreateBuilder<DeclarationSyntax>();
        DeclarationContext[] declarations = file.declaration();
        for (int i = 0; i < declarations.Length; i++)
        {
            int extentEnd = i + 1 < declarations.Length && declarations[i + 1].Start is { StartIndex: >= 0 } next ? next.StartIndex : source.Length;
            if (BuildOne(declarations[i], extentEnd) is { } built)
            {
                result.Add(built);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// One declaration. <paramref name="extentEnd"/> is where the next declaration starts: syntax
    /// errors about this one can sit just past its last token.
    /// </summary>
    public DeclarationSyntax? BuildOne(DeclarationContext declaration, int extentEnd)
    {
        _extentEnd = extentEnd;
        _declaration = declaration;
        return declaration.ChildCount > 0 ? BuildDeclaration(declaration.GetChild(0)) : null;
    }

    private DeclarationSyntax? BuildDeclaration(IParseTree node) => node switch
    {
        PolicyHeaderContext c => new PolicyHeaderSyntax(
            Name(c.policyName(), c),
            c.namespaceName() is { } ns ? [.. ns.namespacePart().Select(p => Name(p, ns))] : [],
            SpanOf(c)),
        AttributeDeclarationContext c => new AttributeDeclarationSyntax(Name(c.attributeName(), c), AttributeType(c.attributeType(), c), SpanOf(c)),
        SegmentDeclarationContext c => new SegmentDeclarationSyntax(
            Name(c.segmentName(), c),
            c.documentation() is { } doc ? StringLiteral(doc) : null,
            c.WHERE() is null ? null : Predicate(c.predicate(), c),
            SpanOf(c)),
        StagesDeclarationContext c => new StagesDeclarationSyntax([.. c.stageName().Select(s => Name(s, c))], SpanOf(c)),
        OwnerDeclarationContext c => new OwnerDeclarationSyntax(
            Name(c.ownerName(), c),
            c.documentation() is { } doc ? StringLiteral(doc) : null,
            c.REPORTS() is null ? null : Name(c.ownerRef(), c),
            SpanOf(c)),
        FallbackDeclarationContext c => new FallbackDeclarationSyntax(Name(c.ownerRef(), c), SpanOf(c)),
        ChannelDeclarationContext c => new ChannelDeclarationSyntax(
            Name(c.channelName(), c),
            c.CAPACITY() is null ? null : new CapacitySyntax(Count(c.count(), c), Period(c.period(), c), TextSpan.FromBounds(c.CAPACITY().Symbol.StartIndex, (c.REQUIRES() is { } requires ? requires.Symbol.StartIndex : SpanOf(c).End))),
            SpanOf(c))
        {
            RequiresConsent = c.CONSENT() is not null,
        },
        AccountableDeclarationContext c => new AssignmentDeclarationSyntax(
            RaciRole.Accountable, Name(c.ownerRef(), c), SegmentList(c.segmentList(), c), StageList(c.stageList(), c), [], SpanOf(c)),
        RaciDeclarationContext c => new AssignmentDeclarationSyntax(
            Role(c.raciRole()), Name(c.ownerRef(), c), SegmentList(c.segmentList(), c), StageList(c.stageList(), c),
            c.channelList() is { } channels ? ChannelList(channels) : [], SpanOf(c)),
        OfferDeclarationContext c => Offer(c),
        LimitDeclarationContext c => new LimitDeclarationSyntax(
            LimitScope(c.limitScope(), c),
            Count(c.count(0), c),
            Count(c.count(1), c),
            Period(c.period(), c),
            c.CALENDAR() is not null,
            SpanOf(c))
        {
            PerHousehold = c.limitCounter()?.HOUSEHOLD() is not null,
            Segments = c.limitSegments() is { } segments ? [.. segments.segmentRef().Select(s => Name(s, segments))] : null,
            Stages = c.limitStages() is { } stages ? StageList(stages.stageList(), stages) : null,
        },
        GroupDeclarationContext c => new GroupDeclarationSyntax(Name(c.groupName(), c), [.. c.offerSetRef().Select(o => Name(o, c))], SpanOf(c)),
        NeverDeclarationContext c => new NeverDeclarationSyntax(
            Name(c.offerSetRef(0), c), c.AFTER() is not null, Name(c.offerSetRef(1), c), Count(c.count(), c), Period(c.period(), c), SpanOf(c)),
        QuietDeclarationContext c => new QuietDeclarationSyntax(Name(c.channelRef(), c), [.. c.quietItem().Select(i => QuietItem(i, c))], SpanOf(c)),
        CooldownDeclarationContext c => new CooldownDeclarationSyntax(Count(c.count(), c), Period(c.period(), c), Name(c.eventName(), c), SpanOf(c)),
        ExemptDeclarationContext c => new ExemptDeclarationSyntax(Name(c.categoryName(), c), SpanOf(c)),
        _ => null,
    };

    private OfferDeclarationSyntax Offer(OfferDeclarationContext c)
    {
        StageListSyntax? stages = null;
        ImmutableArray<NameSyntax> channels = [];
        ImmutableArray<NameSyntax> approvers = [];
        NumberLiteralSyntax? minCell = null;
        NumberLiteralSyntax? priority = null;
        var seen = new HashSet<string>();
        // A clause that only looks repeated because recovery from a syntax error split the
        // declaration differently is not a second mistake: the syntax error says it all.
        bool broken = HasErrorFrom(SpanOf(c).Start, c);
        foreach (OfferClauseContext clause in c.offerClause())
        {
            string keyword = clause.Start.Text;
            if (!seen.Add(keyword))
            {
                if (broken)
                {
                    continue;
                }

                diagnostics.Report(SpanOf(clause), $"the '{keyword}' clause is repeated in offer '{c.offerName()?.GetText()}'; write it once");
                continue;
            }

            switch (clause)
            {
                case OfferStagesClauseContext s:
                    stages = StageList(s.stageList(), s);
                    break;
                case OfferChannelsClauseContext v:
                    channels = v.channelList() is { } list ? ChannelList(list) : [];
                    break;
                case OfferMinCellClauseContext m:
                    minCell = Count(m.count(), m);
                    break;
                case OfferPriorityClauseContext p:
                    priority = Count(p.count(), p);
                    break;
                case OfferApprovalClauseContext a:
                    approvers = [.. a.ownerRef().Select(o => Name(o, a))];
                    break;
            }
        }

        return new OfferDeclarationSyntax(
            Name(c.offerName(), c), Name(c.ownerRef(), c), SegmentList(c.segmentList(), c),
            stages, channels, minCell, priority, approvers, SpanOf(c));
    }

    private QuietItemSyntax QuietItem(QuietItemContext item, ParserRuleContext parent) => item switch
    {
        QuietHoursContext h => new QuietHoursSyntax(TimeOfDay(h.timeOfDay(0), h), TimeOfDay(h.timeOfDay(1), h), SpanOf(h)),
        QuietDayContext d => new QuietDaySyntax(Name(d.dayRef(), d)),
        _ => new QuietDaySyntax(NameSyntax.Missing(SpanOf(parent).End)),
    };

    /// <summary>
    /// <c>HH:MM</c>, two digits each, 00:00 to 24:00 (24:00 only makes sense as the end of a
    /// range: midnight at the end of the day). Anything else is reported here, with the rule.
    /// </summary>
    private TimeOfDaySyntax TimeOfDay(TimeOfDayContext? time, ParserRuleContext parent)
    {
        if (time?.TIME_OF_DAY() is not { Symbol.StartIndex: >= 0 } token)
        {
            return new TimeOfDaySyntax(0, "", new TextSpan(SpanOf(parent).End, 0));
        }

        TextSpan span = SpanOf(token.Symbol);
        string text = token.GetText();
        string[] parts = text.Split(':');
        bool wellFormed = parts is [{ Length: 2 } hours, { Length: 2 } minutes]
            && int.TryParse(hours, NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out int m)
            && ((h < 24 && m < 60) || (h == 24 && m == 0));
        if (!wellFormed)
        {
            // A token that only looks malformed because a '..' or ',' is missing after it (the
            // lexer ran two times together) is the parser's error, already reported: one mistake, one error.
            if (HasErrorFrom(span.Start, parent))
            {
                return new TimeOfDaySyntax(0, "", span);
            }

            diagnostics.Report(span, $"'{Shorten(text)}' is not a time of day; write hours and minutes as HH:MM, from 00:00 to 23:59 (24:00 ends a range at midnight)");
            return new TimeOfDaySyntax(0, "", span);
        }

        return new TimeOfDaySyntax((int.Parse(parts[0], CultureInfo.InvariantCulture) * 60) + int.Parse(parts[1], CultureInfo.InvariantCulture), text, span);
    }

    /// <summary>
    /// Whether the declaration being built is broken from <paramref name="start"/> on: the parser
    /// found an error in it (wherever recovery placed the report, even on the next declaration's
    /// first token), or a lexical error lies between <paramref name="start"/> and the next
    /// declaration. A part that only looks wrong because of that error is not a second mistake.
    /// </summary>
    private bool HasErrorFrom(int start, ParserRuleContext part) =>
        (_declaration is not null && diagnostics.HasErrorIn(_declaration))
        || diagnostics.HasErrorWithin(TextSpan.FromBounds(start, Math.Max(SpanOf(part).End, _extentEnd)));

    private AttributeTypeSyntax AttributeType(AttributeTypeContext? type, ParserRuleContext parent) => type switch
    {
        IntTypeContext t => new AttributeTypeSyntax(AttributeKind.Int, [], SpanOf(t)),
        DecimalTypeContext t => new AttributeTypeSyntax(AttributeKind.Decimal, [], SpanOf(t)),
        BoolTypeContext t => new AttributeTypeSyntax(AttributeKind.Bool, [], SpanOf(t)),
        EnumTypeContext t => new AttributeTypeSyntax(AttributeKind.Enum, [.. t.enumMemberName().Select(m => Name(m, t))], SpanOf(t)),
        // A missing type after a syntax error: treat as int so that uses of the attribute do not
        // produce a cascade of type errors.
        _ => new AttributeTypeSyntax(AttributeKind.Int, [], new TextSpan(SpanOf(parent).End, 0)),
    };

    private SegmentListSyntax SegmentList(SegmentListContext? list, ParserRuleContext parent)
    {
        if (list is null)
        {
            return new SegmentListSyntax(false, [], new TextSpan(SpanOf(parent).End, 0));
        }

        return new SegmentListSyntax(list.STAR() is not null, [.. list.segmentRef().Select(s => Name(s, list))], SpanOf(list));
    }

    private StageListSyntax StageList(StageListContext? list, ParserRuleContext parent)
    {
        if (list is null)
        {
            return new StageListSyntax(false, [], new TextSpan(SpanOf(parent).End, 0));
        }

        var ranges = list.stageRange().Select(r =>
        {
            StageRefContext[] refs = r.stageRef();
            NameSyntax from = Name(refs.ElementAtOrDefault(0), r);
            NameSyntax? to = r.DOTDOT() is null ? null : Name(refs.ElementAtOrDefault(1), r);
            return new StageRangeSyntax(from, to, SpanOf(r));
        });
        return new StageListSyntax(list.STAR() is not null, [.. ranges], SpanOf(list));
    }

    private ImmutableArray<NameSyntax> ChannelList(ChannelListContext list) => [.. list.channelRef().Select(c => Name(c, list))];

    private LimitScopeSyntax LimitScope(LimitScopeContext? scope, ParserRuleContext parent)
    {
        if (scope is null)
        {
            return new LimitScopeSyntax(LimitScopeKind.Named, NameSyntax.Missing(SpanOf(parent).Start), new TextSpan(SpanOf(parent).Start, 0));
        }

        if (scope.OFFERS() is not null)
        {
            return new LimitScopeSyntax(LimitScopeKind.Offers, null, SpanOf(scope));
        }

        return scope.CONTACTS() is not null
            ? new LimitScopeSyntax(LimitScopeKind.Contacts, null, SpanOf(scope))
            : new LimitScopeSyntax(LimitScopeKind.Named, Name(scope.limitTargetRef(), scope), SpanOf(scope));
    }

    private static RaciRole Role(RaciRoleContext? role) => role?.Start.Type switch
    {
        OwnerLexer.CONSULTED => RaciRole.Consulted,
        OwnerLexer.INFORMED => RaciRole.Informed,
        _ => RaciRole.Responsible,
    };

    private PeriodSyntax Period(PeriodContext? period, ParserRuleContext parent)
    {
        if (period is null || period.Start.StartIndex < 0)
        {
            return new PeriodSyntax(PeriodUnit.Day, true, new TextSpan(SpanOf(parent).End, 0));
        }

        (PeriodUnit unit, bool plural) = period.Start.Type switch
        {
            OwnerLexer.DAY => (PeriodUnit.Day, false),
            OwnerLexer.DAYS => (PeriodUnit.Day, true),
            OwnerLexer.WEEK => (PeriodUnit.Week, false),
            OwnerLexer.WEEKS => (PeriodUnit.Week, true),
            OwnerLexer.MONTH => (PeriodUnit.Month, false),
            OwnerLexer.MONTHS => (PeriodUnit.Month, true),
            OwnerLexer.YEAR => (PeriodUnit.Year, false),
            _ => (PeriodUnit.Year, true),
        };
        return new PeriodSyntax(unit, plural, SpanOf(period));
    }

    // ---- Predicates ---------------------------------------------------------------------

    private PredicateSyntax Predicate(PredicateContext? predicate, ParserRuleContext parent)
    {
        if (predicate is null || predicate.Start.StartIndex < 0 || predicate.ChildCount == 0)
        {
            return new MissingPredicateSyntax(new TextSpan(SpanOf(parent).End, 0));
        }

        switch (predicate)
        {
            case AndPredicateContext:
                return Logical<AndPredicateContext>(predicate, LogicalOperator.And, parent);
            case OrPredicateContext:
                return Logical<OrPredicateContext>(predicate, LogicalOperator.Or, parent);
            case NotPredicateContext not:
                return new NotPredicateSyntax(Predicate(not.predicate(), not), SpanOf(not));
            case ParenthesizedPredicateContext parenthesized:
                return new ParenthesizedPredicateSyntax(Predicate(parenthesized.predicate(), parenthesized), SpanOf(parenthesized));
            case ComparisonPredicateContext comparison:
            {
                ComparisonOperatorContext? op = comparison.comparisonOperator();
                ComparisonOperator kind = op?.Start.Type switch
                {
                    OwnerLexer.LT => ComparisonOperator.LessThan,
                    OwnerLexer.LE => ComparisonOperator.LessThanOrEqual,
                    OwnerLexer.GT => ComparisonOperator.GreaterThan,
                    OwnerLexer.GE => ComparisonOperator.GreaterThanOrEqual,
                    OwnerLexer.NE => ComparisonOperator.NotEqual,
                    _ => ComparisonOperator.Equal,
                };
                return new ComparisonPredicateSyntax(
                    Name(comparison.attributeRef(), comparison), kind, op is null ? default : SpanOf(op),
                    Literal(comparison.literal(), comparison), SpanOf(comparison));
            }

            case MembershipPredicateContext membership:
                return new MembershipPredicateSyntax(
                    Name(membership.attributeRef(), membership),
                    [.. membership.literal().Select(l => Literal(l, membership))],
                    SpanOf(membership));
            case AttributePredicateContext attribute:
                return new AttributePredicateSyntax(Name(attribute.attributeRef(), attribute));
            default:
                return new MissingPredicateSyntax(SpanOf(predicate));
        }
    }

    /// <summary>
    /// ANTLR builds <c>a and b and c</c> as a left-deep tree; walk its left spine with a loop so a
    /// chain of any length costs no stack, and produce one flat node.
    /// </summary>
    private LogicalPredicateSyntax Logical<TContext>(PredicateContext chain, LogicalOperator op, ParserRuleContext parent)
        where TContext : PredicateContext
    {
        var rightOperands = new Stack<PredicateContext?>();
        PredicateContext? current = chain;
        while (current is TContext link)
        {
            PredicateContext[] operands = link.GetRuleContexts<PredicateContext>();
            rightOperands.Push(operands.ElementAtOrDefault(1));
            current = operands.ElementAtOrDefault(0);
        }

        var result = ImmutableArray.CreateBuilder<PredicateSyntax>(rightOperands.Count + 1);
        result.Add(Predicate(current, parent));
        while (rightOperands.Count > 0)
        {
            result.Add(Predicate(rightOperands.Pop(), chain));
        }

        return new LogicalPredicateSyntax(op, result.MoveToImmutable(), SpanOf(chain));
    }

    private LiteralSyntax Literal(LiteralContext? literal, ParserRuleContext parent)
    {
        switch (literal)
        {
            case NumberLiteralContext number when number.Stop is { StartIndex: >= 0 } && (number.INTEGER() ?? number.DECIMAL_NUMBER()) is { } digits:
            {
                TextSpan span = SpanOf(number);
                string text = source.ToString(span);
                bool isInteger = number.INTEGER() is not null;
                if (!decimal.TryParse(digits.GetText(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
                {
                    diagnostics.Report(span, $"the number '{Shorten(text)}' is too large; numbers go up to {decimal.MaxValue.ToString(CultureInfo.InvariantCulture)}");
                    return new NumberLiteralSyntax(0, isInteger, text, span);
                }

                return new NumberLiteralSyntax(number.MINUS() is null ? value : -value, isInteger, text, span);
            }

            case BoolLiteralContext b:
                return new BoolLiteralSyntax(b.TRUE() is not null, SpanOf(b));
            case MemberLiteralContext m when m.IDENTIFIER() is { Symbol.StartIndex: >= 0 } id:
                return new MemberLiteralSyntax(new NameSyntax(id.GetText(), SpanOf(id.Symbol)));
            default:
                return new MemberLiteralSyntax(NameSyntax.Missing(SpanOf(parent).End));
        }
    }

    // ---- Tokens -------------------------------------------------------------------------

    private NumberLiteralSyntax Count(CountContext? count, ParserRuleContext parent)
    {
        if (count?.INTEGER() is not { Symbol.StartIndex: >= 0 } digits)
        {
            return NumberLiteralSyntax.Missing(SpanOf(parent).End);
        }

        TextSpan span = SpanOf(digits.Symbol);
        string text = digits.GetText();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            diagnostics.Report(span, $"the number '{Shorten(text)}' is too large; counts go up to {int.MaxValue}");
            return new NumberLiteralSyntax(int.MaxValue, true, text, span);
        }

        return new NumberLiteralSyntax(value, true, text, span);
    }

    private StringLiteralSyntax StringLiteral(DocumentationContext documentation)
    {
        IToken token = documentation.Start;
        TextSpan span = SpanOf(token);
        string raw = token.Text;
        int end = raw.Length > 1 && raw[^1] == '"' && raw[^2] != '\\' ? raw.Length - 1 : raw.Length;
        if (raw.Length > 2 && raw.EndsWith("\\\"", StringComparison.Ordinal) && raw.EndsWith("\\\\\"", StringComparison.Ordinal))
        {
            end = raw.Length - 1;
        }

        var value = new StringBuilder(raw.Length);
        for (int i = 1; i < end; i++)
        {
            char c = raw[i];
            if (c != '\\' || i + 1 >= end)
            {
                value.Append(c);
                continue;
            }

            char escaped = raw[++i];
            if (escaped is '"' or '\\')
            {
                value.Append(escaped);
            }
            else
            {
                diagnostics.Report(new TextSpan(span.Start + i - 1, 2), $"unknown escape sequence '\\{escaped}' in a string; only \\\" and \\\\ are allowed");
                value.Append('\\').Append(escaped);
            }
        }

        return new StringLiteralSyntax(value.ToString(), span);
    }

    private static NameSyntax Name(ParserRuleContext? nameRule, ParserRuleContext parent)
    {
        if (nameRule?.GetToken(OwnerLexer.IDENTIFIER, 0) is { Symbol: { StartIndex: >= 0 } token } && nameRule.exception is null)
        {
            return new NameSyntax(token.Text, SpanOf(token));
        }

        int position = nameRule?.Start is { StartIndex: >= 0 } start ? start.StartIndex : SpanOf(parent).End;
        return NameSyntax.Missing(position);
    }

    private static TextSpan SpanOf(IToken token) => TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);

    private static TextSpan SpanOf(ParserRuleContext context)
    {
        int start = context.Start?.StartIndex ?? 0;
        if (start < 0)
        {
            start = 0;
        }

        int end = context.Stop is { StopIndex: >= 0 } stop && stop.StopIndex + 1 >= start ? stop.StopIndex + 1 : start;
        return TextSpan.FromBounds(start, end);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}

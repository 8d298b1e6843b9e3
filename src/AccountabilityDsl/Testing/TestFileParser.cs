using System.Collections.Immutable;
using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using Antlr4.Runtime.Tree;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Testing.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Testing;

/// <summary>
/// Text to <see cref="TestFileSyntax"/>. The ANTLR parse tree never leaves this class. Syntax
/// errors (OWN0901) say what was expected in words and suggest a close keyword; a step that does
/// not parse is left out, the others still run.
/// </summary>
internal static class TestFileParser
{
    private const int MaxErrors = 100;

    public static TestFileSyntax Parse(SourceText source)
    {
        var errors = new ErrorListener(source);
        var lexer = new OwnerTestLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        var parser = new OwnerTestParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        parser.AddErrorListener(errors);
        OwnerTestParser.TestFileContext file;
        try
        {
            file = parser.testFile();
        }
        catch (TooManyErrorsException)
        {
            return new TestFileSyntax(source, [], errors.Diagnostics.ToImmutableArray());
        }

        var tests = ImmutableArray.CreateBuilder<TestCaseSyntax>();
        foreach (OwnerTestParser.TestCaseContext test in file.testCase())
        {
            if (test.STRING() is not { } name || Missing(name.Symbol))
            {
                continue;
            }

            NameSyntax? policy = test.FOR() is not null && Complete(test.name()) ? Name(test.name()) : null;
            var steps = ImmutableArray.CreateBuilder<TestStepSyntax>();
            foreach (OwnerTestParser.StepContext step in test.step())
            {
                if (Complete(step) && Build(step, source, errors.Diagnostics) is { } built)
                {
                    steps.Add(built);
                }
            }

            string text = name.GetText();
            tests.Add(new TestCaseSyntax(Unquote(text), Span(name.Symbol), policy, steps.ToImmutable(), Span(test)));
        }

        return new TestFileSyntax(source, tests.ToImmutable(), [.. errors.Diagnostics.OrderBy(d => d.Location.Span.Start)]);
    }

    private static TestStepSyntax? Build(OwnerTestParser.StepContext step, SourceText source, List<Diagnostic> errors)
    {
        if (step.customerStep() is { } customer)
        {
            return new CustomerStepSyntax([.. customer.customerValue().Select(v => new CustomerValueSyntax(
                Name(v.name()),
                v.value() switch
                {
                    OwnerTestParser.NumberValueContext => TestValueKind.Number,
                    OwnerTestParser.BoolValueContext => TestValueKind.Bool,
                    _ => TestValueKind.Name,
                },
                v.value().GetText(),
                Span(v.value())))], Span(customer));
        }

        if (step.expectAccountable() is { } accountable)
        {
            return new ExpectAccountableSyntax(
                [.. accountable.name().Select(Name)],
                [.. accountable.stageRange().Select(r => new TestStageRangeSyntax(Name(r.name(0)), r.name().Length > 1 ? Name(r.name(1)) : null))],
                Span(accountable));
        }

        if (step.expectSegments() is { } segments)
        {
            return new ExpectSegmentsSyntax([.. segments.name().Select(Name)], Span(segments));
        }

        OwnerTestParser.ContactStepContext contact = step.contactStep();
        IToken date = contact.DATE().Symbol;
        IToken? time = contact.TIME()?.Symbol;
        TextSpan when = TextSpan.FromBounds(date.StartIndex, (time ?? date).StopIndex + 1);
        NameSyntax? zone = contact.zone() is { } z ? new NameSyntax(z.GetText(), Span(z)) : null;
        ContactOutcomeSyntax? outcome = contact.outcome() switch
        {
            OwnerTestParser.AllowedOutcomeContext allowed => new ContactOutcomeSyntax(true, null, null, null, null, null, Span(allowed)),
            OwnerTestParser.DeniedOutcomeContext denied => new ContactOutcomeSyntax(
                false,
                denied.NUMBER() is { } line && int.TryParse(line.GetText(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : null,
                denied.NUMBER() is { } lineToken ? Span(lineToken.Symbol) : null,
                denied.DATE()?.GetText(),
                denied.TIME()?.GetText(),
                denied.DATE() is { } retry ? TextSpan.FromBounds(retry.Symbol.StartIndex, (denied.TIME()?.Symbol ?? retry.Symbol).StopIndex + 1) : null,
                Span(denied))
            {
                File = denied.POLICY_FILE() is { } file ? new NameSyntax(file.GetText(), Span(file.Symbol)) : null,
            },
            _ => null,
        };

        return contact.action() switch
        {
            OwnerTestParser.OfferActionContext offer => new ContactStepSyntax(
                date.Text, time?.Text, when, zone, ContactActionKind.Offer, Name(offer.name(0)), Name(offer.name(1)), Name(offer.name(2)),
                offer.name().Length > 3 ? Name(offer.name(3)) : null, Facts(offer.customerFacts(), source, errors), outcome, Span(contact)),
            OwnerTestParser.ContactActionContext plain => new ContactStepSyntax(
                date.Text, time?.Text, when, zone, ContactActionKind.Contact, Name(plain.name(0)), Name(plain.name(0)), Name(plain.name(1)),
                plain.name().Length > 2 ? Name(plain.name(2)) : null, Facts(plain.customerFacts(), source, errors), outcome, Span(contact)),
            OwnerTestParser.EventActionContext @event => new ContactStepSyntax(
                date.Text, time?.Text, when, zone, ContactActionKind.Event, Name(@event.name(0)), Name(@event.name(1)), null, null,
                CustomerFactsSyntax.None, outcome, Span(contact)),
            _ => null,
        };
    }

    /// <summary>
    /// <c>in …</c>, <c>at Stage</c>, <c>household id</c>, <c>consent …</c>, in any order; a clause
    /// given twice is a syntax error (OWN0901) and the first one counts.
    /// </summary>
    private static CustomerFactsSyntax Facts(OwnerTestParser.CustomerFactsContext facts, SourceText source, List<Diagnostic> errors)
    {
        ImmutableArray<NameSyntax>? segments = null;
        NameSyntax? stage = null;
        NameSyntax? household = null;
        ImmutableArray<NameSyntax>? consents = null;
        var given = new HashSet<int>();
        foreach (OwnerTestParser.CustomerFactContext fact in facts.customerFact())
        {
            IToken keyword = fact.Start;
            if (!given.Add(keyword.Type))
            {
                errors.Add(Diagnostic.Create(TestFileDiagnostics.SyntaxError, source, Span(fact),
                    $"'{keyword.Text}' is given twice on this step; give it once"));
                continue;
            }

            ImmutableArray<NameSyntax> names = [.. fact.name().Select(Name)];
            switch (keyword.Type)
            {
                case OwnerTestLexer.IN:
                    segments = names;
                    break;
                case OwnerTestLexer.AT:
                    stage = names[0];
                    break;
                case OwnerTestLexer.HOUSEHOLD:
                    household = names[0];
                    break;
                default:
                    consents = names;
                    break;
            }
        }

        return new CustomerFactsSyntax(segments, stage, household, consents);
    }

    private static string Unquote(string text)
    {
        string inner = text.Length >= 2 ? text[1..^1] : text;
        return inner.Replace("\\\"", "\"").Replace("\\\\", "\\");
    }

    private static NameSyntax Name(ParserRuleContext name) => new(name.GetText(), Span(name));

    private static TextSpan Span(ParserRuleContext context) =>
        TextSpan.FromBounds(context.Start.StartIndex, Math.Max(context.Start.StartIndex, (context.Stop ?? context.Start).StopIndex + 1));

    private static TextSpan Span(IToken token) => TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);

    private static bool Missing(IToken token) => token.StartIndex < 0 || token.TokenIndex < 0;

    /// <summary>Whether a subtree parsed without error recovery (no conjured or skipped tokens).</summary>
    private static bool Complete(IParseTree? tree) => tree switch
    {
        null => false,
        IErrorNode => false,
        ITerminalNode terminal => !Missing(terminal.Symbol),
        ParserRuleContext rule => rule.exception is null && Enumerable.Range(0, rule.ChildCount).All(i => Complete(rule.GetChild(i))),
        _ => true,
    };

    private sealed class TooManyErrorsException : Exception;

    /// <summary>Turns ANTLR's errors into OWN0901 with what was expected in words.</summary>
    private sealed class ErrorListener(SourceText source) : BaseErrorListener
    {
        private readonly HashSet<int> _reportedStarts = [];

        public List<Diagnostic> Diagnostics { get; } = [];

        public override void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        {
            int start = offendingSymbol.Type == TokenConstants.EOF ? source.Length : offendingSymbol.StartIndex;
            if (!_reportedStarts.Add(start))
            {
                return;
            }

            TextSpan span = offendingSymbol.Type == TokenConstants.EOF ? new TextSpan(source.Length, 0) : Span(offendingSymbol);
            var parser = (Parser)recognizer;
            IntervalSet expected = parser.GetExpectedTokens();

            // Between tests ANTLR has left the last test's step loop and only expects 'test': a
            // misspelt step there is a step, as the author meant it.
            if (parser.Context is OwnerTestParser.TestFileContext { } file && file.testCase().Length > 0)
            {
                var widened = new IntervalSet();
                widened.AddAll(expected);
                widened.Add(OwnerTestLexer.CUSTOMER);
                widened.Add(OwnerTestLexer.EXPECT);
                widened.Add(OwnerTestLexer.AT);
                expected = widened;
            }

            Diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.SyntaxError, source, span, Message(offendingSymbol, expected)));
            if (Diagnostics.Count >= MaxErrors)
            {
                throw new TooManyErrorsException();
            }
        }

        private static string Message(IToken found, IntervalSet expected)
        {
            string wanted = Describe(expected);
            switch (found.Type)
            {
                case TokenConstants.EOF:
                    return $"the file ends where {wanted} should follow";
                case OwnerTestLexer.UNTERMINATED_STRING:
                    return "the test name is not closed: add '\"' before the end of the line";
                case OwnerTestLexer.UNEXPECTED_CHARACTER:
                    return $"unexpected character '{found.Text}'; expected {wanted}";
            }

            string message = $"expected {wanted}, but found '{found.Text}'";
            var keywords = expected.ToList().Select(t => OwnerTestLexer.DefaultVocabulary.GetLiteralName(t)).OfType<string>().Select(l => l.Trim('\'')).ToList();
            if (found.Type == OwnerTestLexer.IDENTIFIER && SpellingSuggestion.Closest(found.Text, keywords) is { } closest)
            {
                message += $"; did you mean '{closest}'?";
            }

            return message;
        }

        private static string Describe(IntervalSet expected)
        {
            var types = expected.ToList();
            var steps = new[] { OwnerTestLexer.CUSTOMER, OwnerTestLexer.EXPECT, OwnerTestLexer.AT };
            if (steps.All(types.Contains))
            {
                return types.Contains(OwnerTestLexer.TEST)
                    ? "a step ('customer', 'expect' or 'at') or the next 'test'"
                    : "a step ('customer', 'expect' or 'at')";
            }

            if (types.Contains(OwnerTestLexer.IDENTIFIER) && types.Contains(OwnerTestLexer.LINE))
            {
                // The name rule accepts keywords too: say "a name", not twenty keywords.
                types = [.. types.Where(t => t == OwnerTestLexer.IDENTIFIER || !IsNameKeyword(t))];
            }

            var words = types.Select(TokenDescription).Distinct().ToList();
            return words.Count switch
            {
                0 => "nothing more",
                1 => words[0],
                _ => string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1],
            };
        }

        private static bool IsNameKeyword(int type) => type is OwnerTestLexer.TEST or OwnerTestLexer.FOR or OwnerTestLexer.CUSTOMER
            or OwnerTestLexer.EXPECT or OwnerTestLexer.ACCOUNTABLE or OwnerTestLexer.SEGMENTS or OwnerTestLexer.OFFER
            or OwnerTestLexer.CONTACT or OwnerTestLexer.EVENT or OwnerTestLexer.TO or OwnerTestLexer.VIA or OwnerTestLexer.CATEGORY
            or OwnerTestLexer.ALLOWED or OwnerTestLexer.DENIED or OwnerTestLexer.BY or OwnerTestLexer.LINE or OwnerTestLexer.RETRY
            or OwnerTestLexer.IN or OwnerTestLexer.HOUSEHOLD or OwnerTestLexer.CONSENT;

        private static string TokenDescription(int type) => type switch
        {
            TokenConstants.EOF => "the end of the file",
            OwnerTestLexer.IDENTIFIER => "a name",
            OwnerTestLexer.STRING => "the test's name in quotes",
            OwnerTestLexer.DATE => "a date such as 2026-01-05",
            OwnerTestLexer.TIME => "a time such as 09:00",
            OwnerTestLexer.NUMBER => "a number",
            OwnerTestLexer.POLICY_FILE => "a policy file such as retail.owner",
            _ => OwnerTestLexer.DefaultVocabulary.GetLiteralName(type) ?? OwnerTestLexer.DefaultVocabulary.GetDisplayName(type),
        };
    }
}

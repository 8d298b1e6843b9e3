using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using System.Collections.Immutable;
using Antlr4.Runtime.Misc;
using Antlr4.Runtime.Tree;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Text to <see cref="SyntaxTree"/>. The ANTLR parse tree never leaves this class and
/// <see cref="SyntaxTreeBuilder"/>.
/// </summary>
internal static class PolicyParser
{
    public static SyntaxTree Parse(SourceText source)
    {
        var diagnostics = new SyntaxDiagnosticSink(source);
        TokenPreprocessor? tokens = null;
        try
        {
            if (source.IsBinary)
            {
                // Parsing binary content only produces one error per stray byte run; the file is
                // not a policy, and saying so once is the useful message.
                diagnostics.Report(source.InvalidEncodingSpan!.Value,
                    "the file is not valid UTF-8 and holds NUL bytes: it is binary, not a .owner policy (a policy is UTF-8 text)");
                return new SyntaxTree(source, [], [], diagnostics.ToImmutable());
            }

            if (source.InvalidEncodingSpan is { } invalid)
            {
                diagnostics.Report(invalid, "the file is not valid UTF-8: save it as UTF-8 (invalid bytes were read as U+FFFD)");
            }

            var chars = new AntlrInputStream(source.Text);
            var builder = new SyntaxTreeBuilder(source, diagnostics);
            int reportedBefore = diagnostics.Count;

            // SLL pass over a streaming token stream: only the tokens the parser still looks at are
            // kept, never the whole file's (about 80 bytes a token: most of the memory a large
            // policy needed while parsing, see docs/performance.md "Memory").
            tokens = Tokens(chars, source, diagnostics);
            var parser = new OwnerParser(new UnbufferedTokenStream(tokens)) { BuildParseTree = true };
            parser.RemoveErrorListeners();
            if (TryParseSll(parser, builder) is { } declarations)
            {
                return new SyntaxTree(source, declarations, [.. tokens.Comments], diagnostics.ToImmutable());
            }

            // The SLL pass bailed out: forget what it built and reported (the lexer's problems
            // included), lex again into a full buffer and parse with LL and error recovery.
            diagnostics.Truncate(reportedBefore);
            chars.Reset();
            tokens = Tokens(chars, source, diagnostics);
            var tokenStream = new CommonTokenStream(tokens);
            tokenStream.Fill();
            parser.TokenStream = tokenStream;
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new SyntaxErrorStrategy(diagnostics, source);
            return new SyntaxTree(source, builder.Build(parser.policyFile()), [.. tokens.Comments], diagnostics.ToImmutable());
        }
        catch (TooManySyntaxErrorsException)
        {
            return new SyntaxTree(source, [], tokens is null ? [] : [.. tokens.Comments], diagnostics.ToImmutable());
        }
    }

    private static TokenPreprocessor Tokens(AntlrInputStream chars, SourceText source, SyntaxDiagnosticSink diagnostics)
    {
        var lexer = new OwnerLexer(chars);
        lexer.RemoveErrorListeners();
        return new TokenPreprocessor(lexer, source, diagnostics);
    }

    /// <summary>
    /// The usual ANTLR speed-up: try the cheaper SLL prediction with bail-out first; only a file
    /// that fails it (almost always one with a syntax error) is parsed again with full LL and
    /// error recovery, so that error messages and recovery are exactly those of LL. Null when it
    /// bails out, and also when the lexer reports too many errors on the way (the LL pass then
    /// stops at the same point, as it always did, with only the lexer's errors).
    /// </summary>
    /// <remarks>
    /// In the SLL pass each declaration is turned into syntax as soon as it is parsed and its parse
    /// tree is dropped, so a large valid file never holds the whole ANTLR tree (for a 50 MB policy
    /// that tree alone is about 1.5 GB).
    /// </remarks>
    private static ImmutableArray<DeclarationSyntax>? TryParseSll(OwnerParser parser, SyntaxTreeBuilder builder)
    {
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        var streaming = new StreamingBuilder(builder);
        parser.AddParseListener(streaming);
        try
        {
            parser.policyFile();
            return streaming.Declarations.ToImmutable();
        }
        catch (Exception e) when (e is ParseCanceledException or TooManySyntaxErrorsException)
        {
            return null;
        }
        finally
        {
            parser.RemoveParseListener(streaming);
        }
    }

    /// <summary>Builds each declaration when the parser leaves it, then drops its parse tree.</summary>
    private sealed class StreamingBuilder(SyntaxTreeBuilder builder) : IParseTreeListener
    {
        public ImmutableArray<DeclarationSyntax>.Builder Declarations { get; } = ImmutableArray.CreateBuilder<DeclarationSyntax>();

        public void ExitEveryRule(ParserRuleContext context)
        {
            if (context is OwnerParser.DeclarationContext declaration && declaration.Parent is ParserRuleContext file)
            {
                if (builder.BuildOne(declaration, extentEnd: declaration.Stop?.StopIndex + 1 ?? 0) is { } built)
                {
                    Declarations.Add(built);
                }

                file.RemoveLastChild();
            }
        }

        public void EnterEveryRule(ParserRuleContext context)
        {
        }

        public void VisitTerminal(ITerminalNode node)
        {
        }

        public void VisitErrorNode(IErrorNode node)
        {
        }
    }
}

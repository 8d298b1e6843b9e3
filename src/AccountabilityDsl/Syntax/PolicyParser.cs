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
            if (source.InvalidEncodingSpan is { } invalid)
            {
                diagnostics.Report(invalid, "the file is not valid UTF-8: save it as UTF-8 (invalid bytes were read as U+FFFD)");
            }

            var lexer = new OwnerLexer(new AntlrInputStream(source.Text));
            lexer.RemoveErrorListeners();
            tokens = new TokenPreprocessor(lexer, source, diagnostics);
            var tokenStream = new CommonTokenStream(tokens);
            tokenStream.Fill();

            var parser = new OwnerParser(tokenStream) { BuildParseTree = true };
            parser.RemoveErrorListeners();
            var builder = new SyntaxTreeBuilder(source, diagnostics);
            ImmutableArray<DeclarationSyntax> declarations = ParseTwoStage(parser, tokenStream, source, diagnostics, builder);
            return new SyntaxTree(source, declarations, [.. tokens.Comments], diagnostics.ToImmutable());
        }
        catch (TooManySyntaxErrorsException)
        {
            return new SyntaxTree(source, [], tokens is null ? [] : [.. tokens.Comments], diagnostics.ToImmutable());
        }
    }

    /// <summary>
    /// The usual ANTLR speed-up: try the cheaper SLL prediction with bail-out first; only a file
    /// that fails it (almost always one with a syntax error) is parsed again with full LL and
    /// error recovery, so that error messages and recovery are exactly those of LL.
    /// </summary>
    /// <remarks>
    /// In the SLL pass each declaration is turned into syntax as soon as it is parsed and its parse
    /// tree is dropped, so a large valid file never holds the whole ANTLR tree (for a 50 MB policy
    /// that tree alone is about 1.5 GB). If the pass bails out, what it built and reported is
    /// discarded and the LL pass builds from its complete tree, which error recovery needs.
    /// </remarks>
    private static ImmutableArray<DeclarationSyntax> ParseTwoStage(
        OwnerParser parser, CommonTokenStream tokens, SourceText source, SyntaxDiagnosticSink diagnostics, SyntaxTreeBuilder builder)
    {
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        var streaming = new StreamingBuilder(builder);
        parser.AddParseListener(streaming);
        int reportedBefore = diagnostics.Count;
        try
        {
            parser.policyFile();
            return streaming.Declarations.ToImmutable();
        }
        catch (ParseCanceledException)
        {
            parser.RemoveParseListener(streaming);
            diagnostics.Truncate(reportedBefore);
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new SyntaxErrorStrategy(diagnostics, source);
            return builder.Build(parser.policyFile());
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

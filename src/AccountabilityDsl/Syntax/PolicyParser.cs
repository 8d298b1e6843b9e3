using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
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
            OwnerParser.PolicyFileContext tree = ParseTwoStage(parser, tokenStream, source, diagnostics);

            var declarations = new SyntaxTreeBuilder(source, diagnostics).Build(tree);
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
    private static OwnerParser.PolicyFileContext ParseTwoStage(OwnerParser parser, CommonTokenStream tokens, SourceText source, SyntaxDiagnosticSink diagnostics)
    {
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        try
        {
            return parser.policyFile();
        }
        catch (ParseCanceledException)
        {
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new SyntaxErrorStrategy(diagnostics, source);
            return parser.policyFile();
        }
    }
}

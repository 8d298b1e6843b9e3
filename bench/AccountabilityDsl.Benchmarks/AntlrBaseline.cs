using Antlr4.Runtime;
using AccountabilityDsl.Syntax.Grammar;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// The baseline every compiler benchmark is measured against: the generated ANTLR lexer and
/// parser on the same text, default prediction mode, parse tree built, no error listeners.
/// </summary>
internal static class AntlrBaseline
{
    public static int LexAndParse(string text)
    {
        var lexer = new OwnerLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var parser = new OwnerParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        return parser.policyFile().ChildCount;
    }
}

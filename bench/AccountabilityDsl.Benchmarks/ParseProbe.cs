using System.Diagnostics;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Syntax.Grammar;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- parse FILE`: times the syntax phases separately (plain lexing, lexing
/// through the preprocessor, LL and SLL parsing, building the syntax model) while working on
/// parser speed. Reported figures come from the BenchmarkDotNet classes.
/// </summary>
internal static class ParseProbe
{
    public static void Run(string path)
    {
        string text = File.ReadAllText(path);
        var source = SourceText.From(text, path);
        var t = new Dictionary<string, double>();
        for (int i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            var lexer = new OwnerLexer(new AntlrInputStream(text)); lexer.RemoveErrorListeners();
            var plain = new CommonTokenStream(lexer); plain.Fill();
            double lexPlain = sw.Elapsed.TotalMilliseconds; sw.Restart();
            var lexer2 = new OwnerLexer(new AntlrInputStream(text)); lexer2.RemoveErrorListeners();
            var pre = new TokenPreprocessor(lexer2, source, new SyntaxDiagnosticSink(source));
            var stream = new CommonTokenStream(pre); stream.Fill();
            double lexPre = sw.Elapsed.TotalMilliseconds; sw.Restart();
            var parser = new OwnerParser(plain) { BuildParseTree = true }; parser.RemoveErrorListeners();
            parser.policyFile();
            double parseLL = sw.Elapsed.TotalMilliseconds; sw.Restart();
            stream.Seek(0);
            var parser2 = new OwnerParser(stream) { BuildParseTree = true }; parser2.RemoveErrorListeners();
            parser2.Interpreter.PredictionMode = PredictionMode.SLL; parser2.ErrorHandler = new BailErrorStrategy();
            var tree = parser2.policyFile();
            double parseSLL = sw.Elapsed.TotalMilliseconds; sw.Restart();
            new SyntaxTreeBuilder(source, new SyntaxDiagnosticSink(source)).Build(tree);
            double build = sw.Elapsed.TotalMilliseconds; sw.Restart();
            SyntaxTree.Parse(source);
            double full = sw.Elapsed.TotalMilliseconds;
            if (i >= 3)
            {
                foreach (var (k, v) in new[] { ("lexPlain", lexPlain), ("lexPre", lexPre), ("parseLL", parseLL), ("parseSLL", parseSLL), ("build", build), ("SyntaxTree.Parse", full) })
                {
                    t[k] = t.GetValueOrDefault(k) + v / 7;
                }
            }
        }

        Console.WriteLine(string.Join(" ", t.Select(k => $"{k.Key}={k.Value:F0}")));
    }
}

using System.Collections.Immutable;
using Antlr4.Runtime;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Collects OWN0001 diagnostics for one file. After <see cref="MaxErrors"/> it reports that it
/// stopped and ends the parse: a binary or garbage file must not print a million lines.
/// </summary>
internal sealed class SyntaxDiagnosticSink(SourceText source)
{
    public const int MaxErrors = 100;

    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<int> _reportedStarts = [];

    // The parser's errors by the declaration they were found in (its parse-tree node), with the
    // number of diagnostics before each: the builder asks whether a declaration is broken by
    // identity, which no layout (comments, blank lines) between its tokens can change.
    private readonly List<(int Index, ParserRuleContext Declaration)> _declarationErrors = [];

    public int Count => _diagnostics.Count;

    /// <summary>A parser error found in <paramref name="declaration"/> (even when it is an echo and not reported again).</summary>
    public void Report(TextSpan span, string message, ParserRuleContext declaration)
    {
        _declarationErrors.Add((_diagnostics.Count, declaration));
        Report(span, message);
    }

    public void Report(TextSpan span, string message)
    {
        // A second complaint about the same token is an echo of the first (a mistaken operator
        // that the lexer reported and the parser then tripped on): keep the first.
        if (!_reportedStarts.Add(span.Start))
        {
            return;
        }

        if (_diagnostics.Count >= MaxErrors)
        {
            _diagnostics.Add(Diagnostic.Create(CompilerDiagnostics.SyntaxError, source, span,
                $"too many syntax errors; stopped after {MaxErrors} (is this really a .owner file?)"));
            throw new TooManySyntaxErrorsException();
        }

        _diagnostics.Add(Diagnostic.Create(CompilerDiagnostics.SyntaxError, source, span, message));
    }

    /// <summary>Forgets what was reported after the first <paramref name="count"/> diagnostics (a parse pass that is redone).</summary>
    public void Truncate(int count)
    {
        foreach (Diagnostic forgotten in _diagnostics.Skip(count))
        {
            _reportedStarts.Remove(forgotten.Location.Span.Start);
        }

        _diagnostics.RemoveRange(count, _diagnostics.Count - count);
        _declarationErrors.RemoveAll(e => e.Index >= count);
    }

    /// <summary>Whether the parser reported an error in <paramref name="declaration"/>.</summary>
    public bool HasErrorIn(ParserRuleContext declaration) =>
        _declarationErrors.Exists(e => ReferenceEquals(e.Declaration, declaration));

    /// <summary>Whether a syntax error has been reported inside <paramref name="span"/> (an empty one may sit at its end).</summary>
    public bool HasErrorWithin(TextSpan span) =>
        _diagnostics.Any(d => d.Location.Span.Start >= span.Start
            && (d.Location.Span.Start < span.End || d.Location.Span.Start == span.End && d.Location.Span.Length == 0));

    /// <summary>
    /// In source order: the lexical problems are found before the parser's, but an author reads
    /// top to bottom. The "stopped" note, when there is one, stays last.
    /// </summary>
    public ImmutableArray<Diagnostic> ToImmutable()
    {
        bool stopped = _diagnostics.Count > MaxErrors;
        IEnumerable<Diagnostic> reported = stopped ? _diagnostics.Take(MaxErrors) : _diagnostics;
        ImmutableArray<Diagnostic> ordered = [.. reported.OrderBy(d => d.Location.Span.Start)];
        return stopped ? ordered.Add(_diagnostics[^1]) : ordered;
    }
}

internal sealed class TooManySyntaxErrorsException : Exception;

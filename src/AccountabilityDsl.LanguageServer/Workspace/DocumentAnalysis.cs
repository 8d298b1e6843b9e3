using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// One document seen through the compilation of its whole policy (which may span several
/// files): its own text and tree, the policy's symbols and diagnostics, and conversions between
/// LSP positions (0-based line, UTF-16 character) and offsets.
/// </summary>
internal sealed class DocumentAnalysis(DocumentState document, PolicyCompilation compilation, SymbolIndex index)
{
    public DocumentKey Key => document.Key;

    public int? Version => document.Version;

    public PolicyCompilation Compilation { get; } = compilation;

    public BoundPolicy Policy => Compilation.Policy;

    public SourceText Source => document.Source;

    public SyntaxTree Tree => document.Tree;

    public SymbolIndex Index { get; } = index;

    /// <summary>This document's diagnostics (those of its policy that lie in it).</summary>
    public IEnumerable<Diagnostic> Diagnostics => Compilation.DiagnosticsIn(Source);

    /// <summary>Occurrences of names in this document, in source order.</summary>
    public IReadOnlyList<Occurrence> Occurrences => Index.In(Source);

    public Occurrence? OccurrenceAt(Lsp.Position position) => Index.At(Source, OffsetOf(position));

    public int OffsetOf(Lsp.Position position) => OffsetOf(Source, position);

    public Lsp.Position PositionOf(int offset) => PositionOf(Source, offset);

    public Lsp.Range RangeOf(TextSpan span) => RangeOf(Source, span);

    /// <summary>Where an occurrence or a declaration is, in whichever file of the policy.</summary>
    public static Lsp.Location LocationOf(SourceText source, TextSpan span) => new(DocumentKey.UriOfPath(source.FilePath), RangeOf(source, span));

    public Lsp.Location LocationOf(Symbol symbol) => LocationOf(Policy.SourceOf(symbol.Declaration), symbol.Span);

    public static int OffsetOf(SourceText source, Lsp.Position position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= source.LineCount)
        {
            return source.Length;
        }

        int start = source.GetLineStart(position.Line + 1);
        int lineLength = source.GetLineText(position.Line + 1).Length;
        return start + Math.Clamp(position.Character, 0, lineLength);
    }

    public static Lsp.Position PositionOf(SourceText source, int offset)
    {
        LinePosition position = source.GetLinePosition(offset);
        return new Lsp.Position(position.Line - 1, position.Column - 1);
    }

    public static Lsp.Range RangeOf(SourceText source, TextSpan span) => new(PositionOf(source, span.Start), PositionOf(source, span.End));
}

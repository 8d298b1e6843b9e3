using AccountabilityDsl.Binding;
using AccountabilityDsl.Text;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// One version of one document, compiled: the compilation <c>ownerc check</c> would make of it,
/// the symbol index over it, and conversions between LSP positions (0-based line, UTF-16
/// character) and offsets.
/// </summary>
internal sealed class DocumentAnalysis
{
    private readonly Lazy<SymbolIndex> _index;

    public DocumentAnalysis(DocumentKey key, int? version, PolicyCompilation compilation)
    {
        Key = key;
        Version = version;
        Compilation = compilation;
        _index = new Lazy<SymbolIndex>(() => SymbolIndex.Build(compilation.Policy));
    }

    public DocumentKey Key { get; }

    public int? Version { get; }

    public PolicyCompilation Compilation { get; }

    public BoundPolicy Policy => Compilation.Policy;

    public SourceText Source => Compilation.SyntaxTree.Source;

    public SymbolIndex Index => _index.Value;

    public int OffsetOf(Lsp.Position position) => OffsetOf(Source, position);

    public Lsp.Position PositionOf(int offset) => PositionOf(Source, offset);

    public Lsp.Range RangeOf(TextSpan span) => RangeOf(Source, span);

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

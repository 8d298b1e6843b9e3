using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Syntax;

/// <summary>The parsed form of one <c>.owner</c> file: declarations, comments and syntax diagnostics.</summary>
public sealed class SyntaxTree
{
    internal SyntaxTree(SourceText source, ImmutableArray<DeclarationSyntax> declarations, ImmutableArray<CommentSyntax> comments, ImmutableArray<Diagnostic> diagnostics)
    {
        Source = source;
        Declarations = declarations;
        Comments = comments;
        Diagnostics = diagnostics;
    }

    public SourceText Source { get; }

    public string FilePath => Source.FilePath;

    public ImmutableArray<DeclarationSyntax> Declarations { get; }

    /// <summary>Every comment in source order; the formatter keeps them and suppressions read them.</summary>
    public ImmutableArray<CommentSyntax> Comments { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The file's <c>owner-disable</c> directives, read once from its comments.</summary>
    public SuppressionDirectives Suppressions => _suppressions ??= SuppressionDirectives.Read(Source, Comments, Declarations);

    private SuppressionDirectives? _suppressions;

    /// <summary>The policy name the file's first <c>policy</c> header gives; null without one.</summary>
    public string? PolicyName => Declarations.OfType<PolicyHeaderSyntax>().FirstOrDefault() is { Name.IsMissing: false } header ? header.Name.Text : null;

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public static SyntaxTree Parse(SourceText source) => PolicyParser.Parse(source);

    public static SyntaxTree Parse(string text, string path = "<memory>") => PolicyParser.Parse(SourceText.From(text, path));

    public Location GetLocation(TextSpan span) => new(Source, span);
}
